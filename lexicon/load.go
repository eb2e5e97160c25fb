package lexicon

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed builtin
var builtinFS embed.FS

// BuiltinFS returns the embedded file system that holds the built-in
// lexicons, under the directory "builtin/<lang>/".
func BuiltinFS() fs.FS { return builtinFS }

// Builtin loads the curated built-in lexicons embedded in this package.
func Builtin() ([]*Lexicon, error) {
	return LoadFS(builtinFS, "builtin")
}

// IsLexiconFile reports whether a file name has a lexicon extension
// (.yaml or .yml).
func IsLexiconFile(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// LoadFS loads every lexicon file (*.yaml, *.yml) under the given roots of
// fsys; a root may be a file or a directory, walked recursively in lexical
// order. Loading is all-or-nothing: if any file has a problem, no lexicon
// is returned and the error lists every problem of every file, located by
// file, line and entry id. Entry ids must be unique across all files.
func LoadFS(fsys fs.FS, roots ...string) ([]*Lexicon, error) {
	if len(roots) == 0 {
		roots = []string{"."}
	}
	var names []string
	var all ErrorList
	for _, root := range roots {
		err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			if p == root || IsLexiconFile(p) {
				names = append(names, p)
			}
			return nil
		})
		if err != nil {
			all = append(all, &Error{Pos: Position{File: root}, Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err)), Err: err})
		}
	}
	sort.Strings(names)
	var lexs []*Lexicon
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			all = append(all, &Error{Pos: Position{File: name}, Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err)), Err: err})
			continue
		}
		lex, err := Parse(name, data)
		if err != nil {
			all = append(all, AsList(err)...)
			continue
		}
		lexs = append(lexs, lex)
	}
	if err := Validate(lexs...); err != nil {
		all = append(all, AsList(err)...)
	}
	if len(all) > 0 {
		return nil, all
	}
	return lexs, nil
}

// LoadFiles loads lexicon files and directories from the operating
// system's file system, with the same rules as LoadFS. Directories are
// walked recursively for *.yaml and *.yml files (a path that is a symbolic
// link to a directory is followed; links inside are not); a directory
// without any is an error, so that a mistyped path cannot load no rules
// in silence. A path naming a file is loaded whatever its extension.
func LoadFiles(paths ...string) ([]*Lexicon, error) {
	var all ErrorList
	var lexs []*Lexicon
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			all = append(all, &Error{Pos: Position{File: p}, Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err)), Err: err})
			continue
		}
		var files []string
		if info.IsDir() {
			// A trailing separator makes the walk follow a root that is a
			// symbolic link to a directory (the files keep the path as
			// given); links inside it are not followed.
			root := p
			if !strings.HasSuffix(root, string(filepath.Separator)) {
				root += string(filepath.Separator)
			}
			err := filepath.WalkDir(root, func(fp string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if !d.IsDir() && IsLexiconFile(fp) {
					files = append(files, fp)
				}
				return nil
			})
			if err != nil {
				all = append(all, &Error{Pos: Position{File: p}, Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err)), Err: err})
			} else if len(files) == 0 {
				all = append(all, &Error{Pos: Position{File: p}, Msg: "directory holds no lexicon files (*.yaml, *.yml); name a lexicon file, or a directory that has some"})
			}
			sort.Strings(files)
		} else {
			files = []string{p}
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				all = append(all, &Error{Pos: Position{File: f}, Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err)), Err: err})
				continue
			}
			lex, err := Parse(f, data)
			if err != nil {
				all = append(all, AsList(err)...)
				continue
			}
			lexs = append(lexs, lex)
		}
	}
	if err := Validate(lexs...); err != nil {
		all = append(all, AsList(err)...)
	}
	if len(all) > 0 {
		return nil, all
	}
	return lexs, nil
}

// Validate checks rules that span several lexicons: entry ids must be
// unique across all of them. Each lexicon on its own is already valid when
// it comes from Parse.
func Validate(lexs ...*Lexicon) error {
	var e errs
	seen := map[string]Position{}
	for _, lex := range lexs {
		if lex == nil {
			continue
		}
		for _, ent := range lex.Entries {
			if prev, dup := seen[ent.ID]; dup {
				e.add(ent.Pos, ent.ID, "duplicate id; already defined at %s: rename one of them", prev)
				continue
			}
			seen[ent.ID] = ent.Pos
		}
	}
	return e.err()
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

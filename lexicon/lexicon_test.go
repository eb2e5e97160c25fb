package lexicon_test

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/lexicon"
)

var update = flag.Bool("update", false, "rewrite golden files")

const good = `lang: en
category: hype
entries:
  - id: hype.en.game-changer
    weight: 1.0
    message: Calling something a game changer is marketing shorthand.
    source: common marketing phrasing
    phrases: [game changer, "=gamechanger"]
    negatable: true
    examples:
      match: [a real game-changer]
      no_match: [the game changed]
  - id: fabricated-citation.en.doi
    category: fabricated-citation
    weight: 2
    message: A DOI needs a registrant code of at least four digits.
    source: DOI Handbook, section 2.2
    regex: ['\bdoi:\s*10\.\d{1,3}/']
    match_case: false
    unless: [example doi]
    examples:
      match: ["doi: 10.12/abc"]
      no_match: ["doi: 10.1234/abc"]
`

func TestParseGood(t *testing.T) {
	lex, err := lexicon.Parse("good.yaml", []byte(good))
	require.NoError(t, err)
	require.Len(t, lex.Entries, 2)
	e := lex.Entries[0]
	assert.Equal(t, "hype.en.game-changer", e.ID)
	assert.Equal(t, "hype", e.Category)
	assert.Equal(t, "en", e.Lang)
	assert.Equal(t, 1.0, e.Weight)
	assert.Equal(t, []string{"game changer", "=gamechanger"}, e.Phrases)
	assert.True(t, e.Negatable)
	assert.Equal(t, lexicon.Position{File: "good.yaml", Line: 4}, e.Pos)
	f := lex.Entries[1]
	assert.Equal(t, "fabricated-citation", f.Category)
	assert.Equal(t, []string{"example doi"}, f.Unless)
	assert.Equal(t, []string{"doi: 10.12/abc"}, f.Examples.Match)
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // substrings, one per expected error, in order
	}{
		{"unknown top key", "lang: en\nfoo: 1\nentries: []\n", []string{"x.yaml:2: unknown top-level key \"foo\""}},
		{"entries not a list", "entries: {a: 1}\n", []string{"x.yaml:1: \"entries\" must be a list"}},
		{"no entries", "lang: en\n", []string{"missing \"entries:\" list"}},
		{"empty file", "", []string{"file is empty"}},
		{"second document", "entries: []\n---\nentries: []\n", []string{"second YAML document"}},
		{"unknown entry key", "entries:\n  - id: a.en.b\n    colour: red\n", []string{
			"a.en.b: missing \"category\"",
			"a.en.b: missing \"lang\"",
			"a.en.b: missing \"weight\"",
			"a.en.b: missing \"message\"",
			"a.en.b: missing \"source\"",
			"a.en.b: entry has nothing to match",
			"a.en.b: missing \"examples\"",
			"x.yaml:3: a.en.b: unknown key \"colour\"",
		}},
		{"bad phrase gap", "lang: en\ncategory: hype\nentries:\n  - id: a.en.b\n    weight: 1\n    message: m\n    source: s\n    phrases: [\"a ...9 b\", \"... a\"]\n    examples: {match: [a], no_match: [b]}\n", []string{
			"x.yaml:8: a.en.b: phrases[0]: gap \"...9\" is not valid",
			"x.yaml:8: a.en.b: phrases[1]: phrase \"... a\" starts with a wildcard",
		}},
		{"empty-matching regex", "lang: en\ncategory: hype\nentries:\n  - id: a.en.b\n    weight: 1\n    message: m\n    source: s\n    regex: ['x*']\n    examples: {match: [a], no_match: [b]}\n", []string{
			"a.en.b: regex[0]: pattern \"x*\" matches the empty string",
		}},
		{"unknown feature", "lang: en\ncategory: hype\nentries:\n  - id: a.en.b\n    weight: 1\n    message: m\n    source: s\n    feature: sparkles\n    examples: {match: [a], no_match: [b]}\n", []string{
			"a.en.b: unknown feature \"sparkles\"",
		}},
		{"examples missing sides", "lang: en\ncategory: hype\nentries:\n  - id: a.en.b\n    weight: 1\n    message: m\n    source: s\n    phrases: [a]\n    examples: {match: [a]}\n", []string{
			"a.en.b: examples need at least one \"no_match\"",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lexicon.Parse("x.yaml", []byte(tt.yaml))
			require.Error(t, err)
			list := lexicon.AsList(err)
			require.Len(t, list, len(tt.want), "errors: %v", err)
			for i, w := range tt.want {
				assert.Contains(t, list[i].Error(), w)
			}
		})
	}
}

// TestThreeProblems is the acceptance case: one file with an unknown key,
// a duplicate id and an invalid regex yields three located messages.
func TestThreeProblems(t *testing.T) {
	_, err := lexicon.LoadFS(os.DirFS("../testdata"), "bad-lexicons/three-problems.yaml")
	require.Error(t, err)
	list := lexicon.AsList(err)
	require.Len(t, list, 3, "%v", err)
	assert.Contains(t, list[0].Error(), "bad-lexicons/three-problems.yaml:10: hype.en.miracle: unknown key \"colour\"")
	assert.Contains(t, list[1].Error(), "bad-lexicons/three-problems.yaml:14: hype.en.miracle: duplicate id; first defined at bad-lexicons/three-problems.yaml:5")
	assert.Contains(t, list[2].Error(), "bad-lexicons/three-problems.yaml:26: hype.en.bad-regex: regex[0]: pattern \"(!{3,}\" does not compile")
	var one *lexicon.Error
	require.True(t, errors.As(err, &one))
}

// TestBadLexiconsGolden loads every file in testdata/bad-lexicons and
// compares the error text with its golden file. Run with -update to
// rewrite the golden files after a deliberate change.
func TestBadLexiconsGolden(t *testing.T) {
	dir := "../testdata/bad-lexicons"
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		name := filepath.Base(f)
		if strings.HasSuffix(name, ".examples.yaml") {
			continue // they load; detect's TestBadExamplesGolden checks them
		}
		t.Run(name, func(t *testing.T) {
			_, err := lexicon.LoadFS(os.DirFS("../testdata"), "bad-lexicons/"+name)
			require.Error(t, err, "a bad lexicon must be rejected")
			for _, e := range lexicon.AsList(err) {
				assert.True(t, strings.HasPrefix(e.Error(), "bad-lexicons/"+name), "error must name the file: %s", e)
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "missing golden file; run go test ./lexicon -run BadLexicons -update")
			assert.Equal(t, string(want), got)
		})
	}
}

func TestLoadFSAllOrNothing(t *testing.T) {
	fsys := fstest.MapFS{
		"a/good.yaml": {Data: []byte(good)},
		"a/bad.yaml":  {Data: []byte("entries: [1]\n")},
		"a/notes.txt": {Data: []byte("ignored")},
	}
	lexs, err := lexicon.LoadFS(fsys, "a")
	require.Error(t, err)
	assert.Nil(t, lexs)
	assert.Contains(t, err.Error(), "a/bad.yaml:1: each entry must be a mapping")

	delete(fsys, "a/bad.yaml")
	lexs, err = lexicon.LoadFS(fsys, "a")
	require.NoError(t, err)
	require.Len(t, lexs, 1)
	assert.Equal(t, "a/good.yaml", lexs[0].Name)
}

func TestDuplicateAcrossFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"one.yaml": {Data: []byte(good)},
		"two.yaml": {Data: []byte(good)},
	}
	_, err := lexicon.LoadFS(fsys, ".")
	require.Error(t, err)
	list := lexicon.AsList(err)
	require.Len(t, list, 2)
	assert.Contains(t, list[0].Error(), "two.yaml:4: hype.en.game-changer: duplicate id; already defined at one.yaml:4")
}

func TestLoadFilesMissing(t *testing.T) {
	_, err := lexicon.LoadFiles("does/not/exist.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does/not/exist.yaml: cannot read")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestParsePhrase(t *testing.T) {
	tests := []struct {
		in   string
		want []lexicon.PhrasePart
		err  string
	}{
		{in: "game changer", want: []lexicon.PhrasePart{{Word: "game"}, {Word: "changer"}}},
		{in: "share ...2 if =you agree", want: []lexicon.PhrasePart{{Word: "share"}, {Gap: 2}, {Word: "if"}, {Word: "you", Exact: true}, {Word: "agree"}}},
		{in: "tag * friend", want: []lexicon.PhrasePart{{Word: "tag"}, {Any: true}, {Word: "friend"}}},
		{in: "a … b", want: []lexicon.PhrasePart{{Word: "a"}, {Gap: 3}, {Word: "b"}}},
		{in: "   ", err: "empty"},
		{in: "a ... ... b", err: "two gaps"},
		{in: "a ...0 b", err: "not valid"},
		{in: "= b", err: "empty exact"},
		{in: "* *", err: "only wildcards"},
		{in: "a b c d e f g h i j k l m", err: "limit is 12"},
		{in: "^ thoughts ? $", want: []lexicon.PhrasePart{{SentenceStart: true}, {Word: "thoughts"}, {Word: "?"}, {SentenceEnd: true}}},
		{in: "\u00a0sí\u2003=señor\t\n", want: []lexicon.PhrasePart{{Word: "sí"}, {Word: "señor", Exact: true}}},
		{in: "a ^ b", err: "after its start"},
		{in: "a $ b", err: "before its end"},
		{in: "* a", err: "starts with a wildcard"},
		{in: "a ...", err: "ends with a wildcard"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := lexicon.ParsePhrase(tt.in)
			// AppendPhrase keeps what dst held, and only that on error.
			dst := []lexicon.PhrasePart{{Word: "kept"}}
			appended, aerr := lexicon.AppendPhrase(dst, tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				require.Error(t, aerr)
				assert.Equal(t, err.Error(), aerr.Error())
				assert.Equal(t, dst, appended)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			require.NoError(t, aerr)
			assert.Equal(t, append([]lexicon.PhrasePart{{Word: "kept"}}, tt.want...), appended)
		})
	}
}

func TestLoadFilesDirectories(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules")
	require.NoError(t, os.Mkdir(rules, 0o755))
	src, err := os.ReadFile("../testdata/lexicons/mini.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(rules, "team.yaml"), src, 0o644))
	link := filepath.Join(dir, "link")
	require.NoError(t, os.Symlink(rules, link))
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.Mkdir(empty, 0o755))

	for _, p := range []string{rules, link, link + string(filepath.Separator)} {
		lexs, err := lexicon.LoadFiles(p)
		require.NoError(t, err, p)
		require.Len(t, lexs, 1, p)
		assert.NotEmpty(t, lexs[0].Entries, p)
		assert.True(t, strings.HasPrefix(lexs[0].Entries[0].Pos.File, filepath.Clean(p)), "positions keep the path as given: %s", lexs[0].Entries[0].Pos.File)
	}
	_, err = lexicon.LoadFiles(empty)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "holds no lexicon files")
	assert.Contains(t, err.Error(), empty)
}

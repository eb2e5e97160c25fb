package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/detect"
)

const lintDir = "testdata/lint/"

// TestLint runs -lint on files that each break one rule, and checks the
// exit status and the located findings.
func TestLint(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		code  int
		lines []string // each must be a prefix of one output line, in order
		none  string   // must not appear in the output
	}{
		{
			name: "clean file",
			args: []string{"-no-builtin", "-lint", lintDir + "clean.yaml"},
			code: 0,
		},
		{
			name: "clean file on top of the built-ins",
			args: []string{"-lint", lintDir + "clean.yaml"},
			code: 0,
		},
		{
			name: "schema errors from the loader",
			args: []string{"-no-builtin", "-lint", "../../testdata/bad-lexicons/three-problems.yaml"},
			code: 1,
			lines: []string{
				`../../testdata/bad-lexicons/three-problems.yaml:10: hype.en.miracle: unknown key "colour"`,
				`../../testdata/bad-lexicons/three-problems.yaml:14: hype.en.miracle: duplicate id`,
				`../../testdata/bad-lexicons/three-problems.yaml:26: hype.en.bad-regex: regex[0]: pattern "(!{3,}" does not compile`,
			},
		},
		{
			name: "failing examples, located at the example's line",
			args: []string{"-no-builtin", "-lint", lintDir + "examples.yaml"},
			code: 1,
			lines: []string{
				lintDir + `examples.yaml:12: vendor-hype.en.synergy: match example "the teams work well together" is not flagged by this entry; nothing matched`,
				lintDir + `examples.yaml:15: vendor-hype.en.synergy: no_match example "there is synergy between the teams" is flagged by this entry`,
			},
		},
		{
			name: "entries that do not compile are reported, the others still checked",
			args: []string{"-no-builtin", "-lint", lintDir + "compile.yaml"},
			code: 1,
			lines: []string{
				lintDir + `compile.yaml:4: vendor-hype.en.no-letters: phrases[0]: "!!!" has no letters, digits or emoji to match`,
				lintDir + `compile.yaml:12: vendor-hype.en.fine: warning: no match example shows an inflected or re-cased form: every one repeats a phrase as written, so stemming and case folding are untested; add one such as "a NEXT-GEN PLATFORM"`,
			},
		},
		{
			name: "regex that times out on its own example",
			args: []string{"-no-builtin", "-lint", lintDir + "timeout.yaml"},
			code: 1,
			lines: []string{
				lintDir + `timeout.yaml:8: vendor-hype.en.slow-regex: regex[0] /^(\w+\s?)+$/ did not finish within 250ms on its own example "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!": it backtracks catastrophically`,
			},
			none: "no_match example",
		},
		{
			name: "entries shadowed by a longer or an identical phrase",
			args: []string{"-no-builtin", "-lint", lintDir + "shadowed.yaml"},
			code: 1,
			lines: []string{
				lintDir + `shadowed.yaml:12: crypto-giveaway.en.giveaway: shadowed: every match example is taken by crypto-giveaway.en.crypto-giveaway`,
				lintDir + `shadowed.yaml:32: crypto-giveaway.en.free-coin: phrase "free coin" is shadowed by phrase "free coins" of crypto-giveaway.en.free-coins: same terms [free coin], same category, weight 1 ≥ 0.8`,
			},
			none: "crypto-giveaway.en.crypto-giveaway:",
		},
		{
			// A one-word match of an English rule is dropped in a French
			// sentence, so the French one-word phrase still counts there;
			// a two-word phrase is shadowed in any sentence.
			name: "shadowed across languages: phrases of several words only",
			args: []string{"-no-builtin", "-lint", lintDir + "cross-en.yaml", lintDir + "cross-fr.yaml"},
			code: 1,
			lines: []string{
				lintDir + `cross-fr.yaml:8: hype.fr.superaliment-lint: phrase "stop scroll" is shadowed by phrase "stop scrolling" of hype.en.superfood-lint (en): same terms [stop scroll], same category, weight 1 ≥ 0.8`,
			},
			none: `phrase "superfood"`,
		},
		{
			name: "no inflected or re-cased example",
			args: []string{"-no-builtin", "-lint", lintDir + "inflection.yaml"},
			code: 1,
			lines: []string{
				lintDir + `inflection.yaml:4: vendor-hype.en.as-written: warning: no match example shows an inflected or re-cased form`,
			},
			none: "vendor-hype.en.recased",
		},
		{
			name: "one-word phrases that are common words",
			args: []string{"-no-builtin", "-lint", lintDir + "common.yaml"},
			code: 1,
			lines: []string{
				lintDir + `common.yaml:8: vendor-hype.en.things: phrase "things" reduces to the stem "thing", the same as the common word "thing"`,
				lintDir + `common.yaml:18: vendor-hype.es.todo: phrase "=todo" is the common word "todo" on its own`,
				lintDir + `common.yaml:28: vendor-hype.fr.jamais: phrase "jamais" reduces to the stem "jam", the same as the common word "jamais"`,
			},
			none: "amazing things",
		},
		{
			name: "duplicate ids across files and against the lexicons compiled with them",
			args: []string{"-no-builtin", "-lexicon", mini, "-lint", lintDir + "dup-a.yaml", lintDir + "dup-b.yaml"},
			code: 1,
			lines: []string{
				lintDir + "dup-b.yaml:4: vendor-hype.en.dup: duplicate id; already defined at " + lintDir + "dup-a.yaml:4",
				lintDir + "dup-b.yaml:12: hype.en.changes-everything: duplicate id; already defined at " + mini + ":3 (a lexicon this file is compiled with)",
			},
		},
		{
			name: "a directory is walked",
			args: []string{"-no-builtin", "-lint", lintDir},
			code: 1,
			lines: []string{
				lintDir + "common.yaml:8: ",
				lintDir + "dup-b.yaml:4: vendor-hype.en.dup: duplicate id",
				lintDir + "examples.yaml:12: ",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", tt.args...)
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
			if tt.code == 0 {
				assert.Empty(t, out)
				assert.Contains(t, stderr, "no problems found")
				return
			}
			assertLinesInOrder(t, out, tt.lines)
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				assert.Regexp(t, `^[^:]+:\d+: `, l, "every finding is located as file:line")
			}
			if tt.none != "" {
				assert.NotContains(t, out, tt.none)
			}
			assert.Contains(t, stderr, "redflag -lint: ")
		})
	}
}

func assertLinesInOrder(t *testing.T, out string, prefixes []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	i := 0
	for _, p := range prefixes {
		found := false
		for ; i < len(lines); i++ {
			if strings.HasPrefix(lines[i], p) {
				found = true
				i++
				break
			}
		}
		assert.True(t, found, "output has a line starting with %q (in this order); output:\n%s", p, out)
	}
}

// TestLintDuplicateOfBuiltin checks that an entry reusing the id of a
// built-in entry is reported, with the built-in's position.
func TestLintDuplicateOfBuiltin(t *testing.T) {
	id := detect.Default().Rules()[0].ID
	dir := t.TempDir()
	file := filepath.Join(dir, "mine.yaml")
	src := "lang: en\ncategory: hype\nentries:\n  - id: " + id + `
    weight: 1.0
    message: Reuses a built-in id.
    source: lint test
    phrases: [quantum leapfrogging]
    examples:
      match: [QUANTUM LEAPFROGGING again]
      no_match: [a quantum of solace]
`
	require.NoError(t, os.WriteFile(file, []byte(src), 0o644))
	code, out, _ := runCLI(t, "", "-lint", file)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, file+":4: "+id+": duplicate id; already defined at builtin/")
}

// TestLintBuiltinWorkingCopy checks that linting the built-in lexicons
// from the source tree compares them with the other built-ins, not with
// their own embedded copies: no entry is a duplicate of itself. The
// built-ins pass their own lint: no errors and no warnings.
func TestLintBuiltinWorkingCopy(t *testing.T) {
	code, out, stderr := runCLI(t, "", "-lint", "../../lexicon/builtin")
	assert.Equal(t, 0, code, out)
	assert.NotContains(t, out, "duplicate id")
	assert.Contains(t, stderr, "no problems found")
}

func TestLintUsageErrors(t *testing.T) {
	empty := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no paths", []string{"-lint"}, "-lint needs lexicon files or directories"},
		{"missing path", []string{"-lint", "no-such-dir"}, "cannot read no-such-dir"},
		{"directory without lexicons", []string{"-lint", empty}, "holds no lexicon files"},
		{"two modes", []string{"-lint", "-coverage", lintDir}, "-lint and -coverage cannot be combined"},
		{"broken -lexicon base", []string{"-lexicon", "../../testdata/bad-lexicons/syntax-error.yaml", "-lint", lintDir + "clean.yaml"}, "-lexicon files must load"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

func TestExplainRule(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{
			name: "phrase rule",
			args: []string{"-no-builtin", "-lexicon", mini, "-explain-rule", "hype.en.changes-everything"},
			want: []string{
				"hype.en.changes-everything\n",
				"  category   hype\n",
				"  language   en (Snowball stemming)\n",
				"  weight     1.2\n",
				"  defined    " + mini + ":3\n",
				"phrases (the terms each word of a text must reduce to):\n  changes everything",
				"[chang everyth]\n",
				`  ok   match    "They keep CHANGING everything"` + "\n",
				`         -> 10-29 "CHANGING everything" +1.2`,
				`  ok   no_match "The patch changes nothing."`,
			},
		},
		{
			name: "regex rule",
			args: []string{"-no-builtin", "-lexicon", mini, "-explain-rule", "hype.en.bang-run"},
			want: []string{"regex (case-insensitive, 250ms timeout):\n  /[!¡]{3,}/\n", `  ok   match    "wow!!!"`},
		},
		{
			name: "feature rule",
			args: []string{"-no-builtin", "-lexicon", mini, "-explain-rule", "hype.en.caps"},
			want: []string{"feature:\n  caps-run: "},
		},
		{
			name: "unknown id",
			args: []string{"-no-builtin", "-lexicon", mini, "-explain-rule", "hype.xx.changes-everything"},
			code: 2,
			want: []string{`no rule "hype.xx.changes-everything"; similar ids: hype.en.changes-everything: list the ids with -rules`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			for _, w := range tt.want {
				assert.Contains(t, out+stderr, w)
			}
		})
	}
}

func TestExplainRuleJSON(t *testing.T) {
	code, out, _ := runCLI(t, "", "-no-builtin", "-lexicon", mini, "-explain-rule", "hype.en.game-changer", "-format", "json")
	require.Equal(t, 0, code)
	var got struct {
		ID      string `json:"id"`
		Phrases []struct {
			Phrase string   `json:"phrase"`
			Terms  []string `json:"terms"`
		} `json:"phrases"`
		Examples []struct {
			Kind string `json:"kind"`
			Text string `json:"text"`
			OK   bool   `json:"ok"`
		} `json:"examples"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "hype.en.game-changer", got.ID)
	require.Len(t, got.Phrases, 2)
	assert.Equal(t, []string{"game", "changer"}, got.Phrases[0].Terms)
	require.Len(t, got.Examples, 3)
	for _, ex := range got.Examples {
		assert.True(t, ex.OK, "%s example %q", ex.Kind, ex.Text)
	}
}

func TestCoverage(t *testing.T) {
	in := "this changes everything\nplain line\nDid I miss any?\nit changes everything, a game changer\nthis does not change everything\n"
	code, out, stderr := runCLI(t, in, "-no-builtin", "-lexicon", mini, "-lines", "-coverage")
	require.Equal(t, 0, code, stderr)
	wantLines := []string{
		"coverage: 5 texts (3 flagged); 3 of 5 rules fired (60.0%)",
		"  texts   hits cancelled  rule",
		"      2      2         1  hype.en.changes-everything",
		"      1      1         0  bait.en.did-i-miss-any",
		"      1      1         0  hype.en.game-changer",
		"never fired (2 rules):",
		"  hype.en.bang-run",
		"  hype.en.caps",
	}
	assert.Equal(t, strings.Join(wantLines, "\n")+"\n", out)

	code, out, _ = runCLI(t, in, "-no-builtin", "-lexicon", mini, "-lines", "-coverage", "-format", "json")
	require.Equal(t, 0, code)
	var rep struct {
		Texts int `json:"texts"`
		Fired []struct {
			ID        string `json:"id"`
			Texts     int    `json:"texts"`
			Hits      int    `json:"hits"`
			Cancelled int    `json:"cancelled"`
		} `json:"fired"`
		NeverFired []string `json:"never_fired"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 5, rep.Texts)
	require.Len(t, rep.Fired, 3)
	assert.Equal(t, "hype.en.changes-everything", rep.Fired[0].ID)
	assert.Equal(t, []string{"hype.en.bang-run", "hype.en.caps"}, rep.NeverFired)

	code, _, stderr = runCLI(t, "", "-coverage", "no-such-file.txt")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "cannot read no-such-file.txt")
}

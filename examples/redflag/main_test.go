package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const mini = "../../testdata/lexicons/mini.yaml"

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code, err := run(args, strings.NewReader(stdin), &out, &errb, false)
	if err != nil {
		errb.WriteString(err.Error())
	}
	return code, out.String(), errb.String()
}

func TestExitStatus(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
	}{
		{"clean", "release notes for v2", []string{"-no-builtin", "-lexicon", mini}, 0},
		{"flagged", "this changes everything", []string{"-no-builtin", "-lexicon", mini}, 1},
		{"bad format", "x", []string{"-format", "xml"}, 2},
		{"bad threshold", "x", []string{"-threshold", "0"}, 2},
		{"sarif", "this changes everything", []string{"-no-builtin", "-lexicon", mini, "-format", "sarif"}, 1},
		{"html", "release notes", []string{"-no-builtin", "-lexicon", mini, "-format", "html"}, 0},
		{"sarif is for scoring", "x", []string{"-no-builtin", "-lexicon", mini, "-rules", "-format", "sarif"}, 2},
		{"html is for scoring", "x", []string{"-no-builtin", "-lexicon", mini, "-coverage", "-format", "html"}, 2},
		{"bad -j", "x", []string{"-j", "-1"}, 2},
		{"bad flag", "x", []string{"-nope"}, 2},
		{"missing file", "", []string{"-no-builtin", "-lexicon", mini, "no-such-file.txt"}, 2},
		{"broken lexicon", "", []string{"-lexicon", "../../testdata/bad-lexicons/three-problems.yaml"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.stdin, tt.args...)
			assert.Equal(t, tt.code, code, stderr)
		})
	}
}

func TestLinesJSONL(t *testing.T) {
	in := "this changes everything\nplain line\nDid I miss any?\n"
	code, out, _ := runCLI(t, in, "-no-builtin", "-lexicon", mini, "-lines", "-format", "jsonl")
	assert.Equal(t, 1, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3)
	for i, l := range lines {
		var rec struct {
			Line       int                `json:"line"`
			Score      float64            `json:"score"`
			Flagged    bool               `json:"flagged"`
			Categories map[string]float64 `json:"categories"`
			Matches    []struct {
				Rule         string  `json:"rule"`
				Start        int     `json:"start"`
				End          int     `json:"end"`
				Text         string  `json:"text"`
				Contribution float64 `json:"contribution"`
			} `json:"matches"`
		}
		require.NoError(t, json.Unmarshal([]byte(l), &rec))
		assert.Equal(t, i+1, rec.Line)
		for _, c := range []string{"hype", "fabricated-citation", "engagement-bait"} {
			_, ok := rec.Categories[c]
			assert.True(t, ok, "category %s in every object", c)
		}
		src := strings.Split(in, "\n")[i]
		for _, m := range rec.Matches {
			assert.Equal(t, src[m.Start:m.End], m.Text)
		}
	}
	assert.Contains(t, lines[0], `"rule":"hype.en.changes-everything"`)
	assert.Contains(t, lines[1], `"flagged":false`)
	assert.Contains(t, lines[2], `"engagement-bait":0.5`)
}

func TestTextOutputHighlights(t *testing.T) {
	_, out, _ := runCLI(t, "and this changes everything", "-no-builtin", "-lexicon", mini)
	assert.Contains(t, out, "and this [[changes everything]]")
	assert.Contains(t, out, "why: Saying one release")
	var colored bytes.Buffer
	_, err := run([]string{"-no-builtin", "-lexicon", mini}, strings.NewReader("changes everything"), &colored, &bytes.Buffer{}, true)
	require.NoError(t, err)
	assert.Contains(t, colored.String(), colorOn+"changes everything"+colorOff)
}

func TestRulesJSON(t *testing.T) {
	code, out, _ := runCLI(t, "", "-no-builtin", "-lexicon", mini, "-rules", "-format", "json")
	assert.Equal(t, 0, code)
	var rules []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rules))
	require.Len(t, rules, 5)
	assert.Equal(t, "hype.en.changes-everything", rules[0]["id"])
	assert.Equal(t, "hype", rules[0]["category"])
}

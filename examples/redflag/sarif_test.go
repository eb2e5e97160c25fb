package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	seedPosts   = "../../testdata/seed-posts.txt"
	sarifSchema = "testdata/sarif/sarif-schema-2.1.0.json"
)

// schemaOnce compiles the official SARIF 2.1.0 schema once per test run.
var schemaOnce = sync.OnceValues(func() (*jsonschema.Schema, error) {
	return jsonschema.NewCompiler().Compile(sarifSchema)
})

// validateSARIF validates a SARIF document against the official schema.
func validateSARIF(t *testing.T, doc []byte) error {
	t.Helper()
	sch, err := schemaOnce()
	require.NoError(t, err, "the committed schema must compile")
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	require.NoError(t, err, "SARIF output must be JSON")
	return sch.Validate(inst)
}

// sarifDoc is the part of a SARIF log the tests read.
type sarifDoc struct {
	Version string `json:"version"`
	Runs    []struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID               string `json:"id"`
					ShortDescription struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					FullDescription struct {
						Text string `json:"text"`
					} `json:"fullDescription"`
					Help struct {
						Text     string `json:"text"`
						Markdown string `json:"markdown"`
					} `json:"help"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Artifacts []struct {
			Location struct {
				URI string `json:"uri"`
			} `json:"location"`
			Length int `json:"length"`
		} `json:"artifacts"`
		Results []sarifResult `json:"results"`
	} `json:"runs"`
}

type sarifResult struct {
	RuleID    string `json:"ruleId"`
	RuleIndex int    `json:"ruleIndex"`
	Level     string `json:"level"`
	Kind      string `json:"kind"`
	Message   struct {
		Text string `json:"text"`
	} `json:"message"`
	Locations []struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI   string `json:"uri"`
				Index int    `json:"index"`
			} `json:"artifactLocation"`
			Region        sarifRegion `json:"region"`
			ContextRegion sarifRegion `json:"contextRegion"`
		} `json:"physicalLocation"`
	} `json:"locations"`
	Properties map[string]any `json:"properties"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
	ByteOffset  int `json:"byteOffset"`
	ByteLength  int `json:"byteLength"`
	Snippet     struct {
		Text string `json:"text"`
	} `json:"snippet"`
}

func parseSARIF(t *testing.T, out string) sarifDoc {
	t.Helper()
	var doc sarifDoc
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Len(t, doc.Runs, 1)
	return doc
}

// checkRegion checks a region against the file it points into: the bytes
// at byteOffset are the snippet, and the line and UTF-16 columns, counted
// here independently of the tool, point at the same place.
func checkRegion(t *testing.T, file string, r sarifRegion) {
	t.Helper()
	require.LessOrEqual(t, r.ByteOffset+r.ByteLength, len(file))
	assert.Equal(t, file[r.ByteOffset:r.ByteOffset+r.ByteLength], r.Snippet.Text, "bytes at byteOffset")
	lines := strings.SplitAfter(file, "\n")
	col := func(line, byteInLine int) int {
		return 1 + len(utf16.Encode([]rune(lines[line-1][:byteInLine])))
	}
	lineOf := func(off int) (int, int) {
		n := 0
		for i, l := range lines {
			if off < n+len(l) || i == len(lines)-1 {
				return i + 1, off - n
			}
			n += len(l)
		}
		return len(lines), 0
	}
	sl, sb := lineOf(r.ByteOffset)
	el, eb := lineOf(r.ByteOffset + r.ByteLength)
	if eb == 0 && el > sl {
		// The region ends at a line break: SARIF ends it on that line.
		el--
		eb = len(lines[el-1])
	}
	assert.Equal(t, sl, r.StartLine, "startLine of %q", r.Snippet.Text)
	assert.Equal(t, col(sl, sb), r.StartColumn, "startColumn of %q", r.Snippet.Text)
	assert.Equal(t, el, r.EndLine, "endLine of %q", r.Snippet.Text)
	assert.Equal(t, col(el, eb), r.EndColumn, "endColumn of %q", r.Snippet.Text)
}

// TestSARIFSeedPosts validates the SARIF for testdata/seed-posts.txt,
// scored whole and line by line, against the official SARIF 2.1.0
// schema, and checks every region against the file.
func TestSARIFSeedPosts(t *testing.T) {
	file, err := os.ReadFile(seedPosts)
	require.NoError(t, err)
	tests := []struct {
		name string
		args []string
	}{
		{"whole file", []string{"-format", "sarif", seedPosts}},
		{"lines", []string{"-format", "sarif", "-lines", seedPosts}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", tt.args...)
			require.Equal(t, 1, code, stderr)
			require.NoError(t, validateSARIF(t, []byte(out)))

			doc := parseSARIF(t, out)
			run := doc.Runs[0]
			assert.Equal(t, "2.1.0", doc.Version)
			assert.Equal(t, "utf16CodeUnits", run.ColumnKind)
			assert.Equal(t, "redflag", run.Tool.Driver.Name)
			require.Len(t, run.Artifacts, 1)
			assert.Equal(t, "../../testdata/seed-posts.txt", run.Artifacts[0].Location.URI)
			assert.Equal(t, len(file), run.Artifacts[0].Length)
			require.NotEmpty(t, run.Results)
			levels := map[string]int{}
			for _, res := range run.Results {
				levels[res.Level]++
				rule := run.Tool.Driver.Rules[res.RuleIndex]
				assert.Equal(t, res.RuleID, rule.ID, "ruleIndex points at the rule")
				require.Len(t, res.Locations, 1)
				loc := res.Locations[0].PhysicalLocation
				assert.Equal(t, "../../testdata/seed-posts.txt", loc.ArtifactLocation.URI)
				assert.Equal(t, 0, loc.ArtifactLocation.Index)
				checkRegion(t, string(file), loc.Region)
				checkRegion(t, string(file), loc.ContextRegion)
				assert.Contains(t, res.Message.Text, rule.ShortDescription.Text)
			}
			assert.Positive(t, levels["warning"], "matches of flagged categories are warnings")
			for _, rule := range run.Tool.Driver.Rules {
				assert.NotEmpty(t, rule.ShortDescription.Text)
				assert.Equal(t, rule.ShortDescription.Text, rule.FullDescription.Text)
				assert.Contains(t, rule.Help.Text, "Source: ")
				assert.Contains(t, rule.Help.Markdown, "**Source:**")
				for _, p := range []string{"category", "lang", "weight"} {
					assert.Contains(t, rule.Properties, p)
				}
			}
		})
	}
}

// TestSARIFLinesRegionsAreFileRelative checks that with -lines the
// regions point into the whole file, across CRLF line breaks and
// characters that take two UTF-16 code units.
func TestSARIFLinesRegionsAreFileRelative(t *testing.T) {
	text := "plain line\r\n🚀🚀 this changes everything\r\n\r\nnot flagged\nÉcole: did I miss any?"
	path := filepath.Join(t.TempDir(), "posts.txt")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	for _, lines := range []bool{false, true} {
		args := []string{"-no-builtin", "-lexicon", mini, "-format", "sarif", path}
		if lines {
			args = append([]string{"-lines"}, args...)
		}
		code, out, stderr := runCLI(t, "", args...)
		require.Equal(t, 1, code, stderr)
		require.NoError(t, validateSARIF(t, []byte(out)))
		doc := parseSARIF(t, out)
		var got []sarifRegion
		for _, res := range doc.Runs[0].Results {
			r := res.Locations[0].PhysicalLocation.Region
			checkRegion(t, text, r)
			got = append(got, r)
		}
		require.Len(t, got, 2, "lines=%v", lines)
		// 🚀 is two UTF-16 code units: "changes" starts at column 2+2+1+5+1.
		assert.Equal(t, sarifRegion{StartLine: 2, StartColumn: 11, EndLine: 2, EndColumn: 29,
			ByteOffset: 26, ByteLength: 18, Snippet: got[0].Snippet}, got[0], "lines=%v", lines)
		assert.Equal(t, 5, got[1].StartLine)
		assert.Equal(t, 8, got[1].StartColumn)
	}
}

// TestSARIFLevels checks how a match's level follows its category and
// context: warning when its category is flagged, note when the category
// stays under the threshold, informational/none when context cancelled it.
func TestSARIFLevels(t *testing.T) {
	tests := []struct {
		name, text, level, kind string
	}{
		{"flagged category", "this changes everything", "warning", "fail"},
		{"category under the threshold", "wow!!!", "note", "fail"},
		{"negated", "this is not a game changer", "none", "informational"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, out, stderr := runCLI(t, tt.text, "-no-builtin", "-lexicon", mini, "-format", "sarif")
			require.NoError(t, validateSARIF(t, []byte(out)), stderr)
			doc := parseSARIF(t, out)
			require.Len(t, doc.Runs[0].Results, 1)
			res := doc.Runs[0].Results[0]
			assert.Equal(t, tt.level, res.Level)
			assert.Equal(t, tt.kind, res.Kind)
			assert.Equal(t, "stdin", res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		})
	}
}

// TestSARIFEmpty checks the log of a run with nothing flagged, and of a
// run with no input at all.
func TestSARIFEmpty(t *testing.T) {
	for _, args := range [][]string{
		{"-no-builtin", "-lexicon", mini, "-format", "sarif"},
		{"-no-builtin", "-lexicon", mini, "-format", "sarif", t.TempDir()},
	} {
		code, out, stderr := runCLI(t, "release notes for v2", args...)
		require.Equal(t, 0, code, stderr)
		require.NoError(t, validateSARIF(t, []byte(out)))
		assert.Empty(t, parseSARIF(t, out).Runs[0].Results)
	}
}

// TestSARIFValidatorRejects proves that the schema test bites: each
// mutation of a valid log must fail validation.
func TestSARIFValidatorRejects(t *testing.T) {
	_, out, _ := runCLI(t, "this changes everything", "-no-builtin", "-lexicon", mini, "-format", "sarif")
	require.NoError(t, validateSARIF(t, []byte(out)))
	tests := []struct {
		name   string
		mutate func(doc map[string]any)
	}{
		{"wrong version", func(doc map[string]any) { doc["version"] = "2.0.0" }},
		{"no runs", func(doc map[string]any) { delete(doc, "runs") }},
		{"unknown top-level property", func(doc map[string]any) { doc["extra"] = true }},
		{"unknown level", func(doc map[string]any) { result(doc)["level"] = "fatal" }},
		{"line 0", func(doc map[string]any) { region(doc)["startLine"] = 0 }},
		{"negative byte length", func(doc map[string]any) { region(doc)["byteLength"] = -3 }},
		{"rule without id", func(doc map[string]any) { delete(rule(doc), "id") }},
		{"tool without name", func(doc map[string]any) {
			delete(run0(doc)["tool"].(map[string]any)["driver"].(map[string]any), "name")
		}},
		{"bad column kind", func(doc map[string]any) { run0(doc)["columnKind"] = "bytes" }},
		{"message is a string", func(doc map[string]any) { result(doc)["message"] = "text" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &doc))
			tt.mutate(doc)
			b, err := json.Marshal(doc)
			require.NoError(t, err)
			assert.Error(t, validateSARIF(t, b))
		})
	}
}

func run0(doc map[string]any) map[string]any {
	return doc["runs"].([]any)[0].(map[string]any)
}

func result(doc map[string]any) map[string]any {
	return run0(doc)["results"].([]any)[0].(map[string]any)
}

func region(doc map[string]any) map[string]any {
	loc := result(doc)["locations"].([]any)[0].(map[string]any)
	return loc["physicalLocation"].(map[string]any)["region"].(map[string]any)
}

func rule(doc map[string]any) map[string]any {
	return run0(doc)["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)[0].(map[string]any)
}

// TestArtifactURI checks how file names become SARIF URIs.
func TestArtifactURI(t *testing.T) {
	tests := []struct{ name, want string }{
		{"-", "stdin"},
		{"posts.txt", "posts.txt"},
		{"dir/my posts#1.txt", "dir/my%20posts%231.txt"},
		{"a:b.txt", "./a:b.txt"},
		{"/tmp/x y.txt", "file:///tmp/x%20y.txt"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, artifactURI(tt.name), tt.name)
	}
}

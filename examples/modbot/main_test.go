package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestModbotHoldsBaitInOrder(t *testing.T) {
	in := strings.Join([]string{
		"ana\tmorning all, the build is green again",
		"bot42\tTag a friend who needs to see this!!! Share if you agree",
		"luis\tAs an AI language model, I cannot browse the internet.",
		"mia\tlunch at 1?",
	}, "\n")
	var out bytes.Buffer
	n, total, err := run(strings.NewReader(in), &out, 4, 0.5)
	require.NoError(t, err)
	assert.Equal(t, 4, total)
	assert.Equal(t, 2, n)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 2)
	var first, second held
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &second))
	assert.Equal(t, 2, first.Seq)
	assert.Equal(t, "bot42", first.User)
	assert.Contains(t, first.Flags, "engagement-bait")
	assert.NotEmpty(t, first.Reasons)
	assert.Equal(t, 3, second.Seq)
	assert.Contains(t, second.Flags, "fabricated-citation")
}

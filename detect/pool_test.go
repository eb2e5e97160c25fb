package detect

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redflag-go/redflag/lexicon"
)

// TestScratchPoolFollowsTextSize checks the pool's memory policy: the
// buffers of a long text are kept for the next long text, and let go as
// soon as a short text comes.
func TestScratchPoolFollowsTextSize(t *testing.T) {
	lexs, err := lexicon.Builtin()
	require.NoError(t, err)
	d, err := Compile(lexs)
	require.NoError(t, err)
	long := strings.Repeat("The committee met on Tuesday and agreed on a modest budget for the new library wing. ", 5000) // 430 KB
	short := "Spent the weekend rebuilding the garden shed with my brother."

	tests := []struct {
		text    string
		keepBig bool // after the call, the pool holds a big scratch
		reused  bool // the call used the big scratch of the call before
	}{
		{long, true, false},
		{long, true, true},
		{long[:len(long)/2], true, true}, // half as long: still worth keeping
		{short, false, false},            // a short text lets the long text's buffers go
		{short, false, false},
		{long, true, false},
	}
	for i, tt := range tests {
		before := d.pool.big
		want, err := d.Score(tt.text)
		require.NoError(t, err)
		if tt.keepBig {
			require.NotNil(t, d.pool.big, "call %d", i)
			assert.GreaterOrEqual(t, cap(d.pool.big.tok.Buf), len(tt.text), "call %d", i)
		} else {
			assert.Nil(t, d.pool.big, "call %d", i)
		}
		if tt.reused {
			assert.Same(t, before, d.pool.big, "call %d", i)
		}
		// Reusing buffers never changes a report.
		again, err := d.Score(tt.text)
		require.NoError(t, err)
		assert.Equal(t, want, again, "call %d", i)
	}
}

package floor_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/redflag-go/redflag/internal/floor"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		text  string
		buf   string
		spans [][2]int32
	}{
		{"", "", nil},
		{"Hello, World 42!", "helloworld42", [][2]int32{{0, 5}, {7, 12}, {13, 15}}},
		{"ÉTÉ déjà", "étédéjà", [][2]int32{{0, 5}, {6, 12}}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			buf, spans := floor.Tokens(tt.text, []byte("junk"), [][2]int32{{9, 9}})
			assert.Equal(t, tt.buf, string(buf))
			if tt.spans == nil {
				assert.Empty(t, spans)
			} else {
				assert.Equal(t, tt.spans, spans)
			}
		})
	}
}

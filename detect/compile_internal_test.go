package detect

import (
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
)

// runTasks runs every task once, whatever GOMAXPROCS is, and a task's
// panic reaches the caller after the other tasks have finished.
func TestRunTasks(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		panics int // index of the task that panics, or -1
	}{
		{"none", 0, -1},
		{"one", 1, -1},
		{"many", 50, -1},
		{"panic first", 9, 0},
		{"panic last", 9, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran atomic.Int32
			tasks := make([]func(), tt.n)
			for i := range tasks {
				tasks[i] = func() {
					ran.Add(1)
					if i == tt.panics {
						panic("task failed")
					}
				}
			}
			if tt.panics < 0 {
				runTasks(tasks)
			} else {
				assert.PanicsWithValue(t, "task failed", func() { runTasks(tasks) })
			}
			assert.Equal(t, int32(tt.n), ran.Load())
		})
	}
}

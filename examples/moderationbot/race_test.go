//go:build race

package main

// raceEnabled is true when the race detector is on; slow setup is skipped.
const raceEnabled = true

//go:build race

package detect

// raceOn lets corpus-sized tests sample their inputs under the race
// detector, which makes them ten times slower and adds nothing to them
// (they run in full in the plain test pass).
const raceOn = true

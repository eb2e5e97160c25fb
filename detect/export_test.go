package detect

// ForgetCompileCaches empties the process-wide caches that make a second
// Compile of the same lexicons cheaper (word splits and stems, parsed
// phrases, regex analyses, prefix automata), so that a benchmark can
// measure a first Compile.
func ForgetCompileCaches() { forgetCompileCaches() }

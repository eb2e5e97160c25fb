// Package redflag scores text for rhetorical red flags — hype, signs of
// fabricated citations, engagement bait — and explains every point of the
// score.
//
// It is an embedded library: no service, no network, no model weights.
// Curated lexicons (English and Spanish first-class, French next) are
// compiled once into a detector that matches Snowball-stemmed phrases,
// bounded regexes and structural signals such as ALL-CAPS runs, then
// scores any number of texts concurrently.
//
// # Quick start
//
// The one-call API uses the built-in lexicons:
//
//	rep, err := redflag.Score("This changes everything. Tag a friend who needs it!")
//	if rep.Flagged { ... }
//	fmt.Print(rep.String()) // every match, its span, rule, message and points
//
// # Packages
//
//   - [github.com/redflag-go/redflag/lexicon] is what a rule is: the entry
//     type, the YAML file format, the loader with located errors, and the
//     built-in lexicons.
//   - [github.com/redflag-go/redflag/detect] is what a rule does: Compile
//     builds an immutable, concurrency-safe Detector; Score returns a
//     Report.
//
// # Categories
//
//   - hype: promotional hyperbole, AI marketing claims, superlatives, false
//     urgency, absolutist framing, shouting.
//   - fabricated-citation: fictional institutions and funders, texts that
//     say they are made up, chatbot residue left in papers, tortured
//     phrases, malformed DOIs, vague attribution with no source.
//   - engagement-bait: vote, react, share, tag and comment baiting,
//     curiosity gaps, listicle hooks, thread and reply bait.
//
// Lexicon files may add categories of their own.
//
// # Reading a score
//
// Every match carries its rule id, category, byte span in the original
// text (text[m.Start:m.End] is what was flagged), the rule's message,
// weight and contribution. A rule's first hit contributes its weight; each
// further hit of the same rule half the previous one (RepeatDecay); a hit
// cancelled by a negation ("not a game changer") or by an entry's
// exception stays in the report with contribution 0 and a note saying why.
// Contributions add up to a category's points, and a category's score is
//
//	score = 1 − 2^(−points)
//
// so one point — a single clear tell — scores 0.5, the default threshold.
package redflag

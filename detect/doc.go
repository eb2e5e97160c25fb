// Package detect compiles lexicons into a Detector and scores text with it,
// explaining every point of every score.
//
// # Compile once, score many
//
// Compile does all the expensive work: every phrase is split and stemmed
// with the same code that later handles input, stems are interned and
// built into one phrase trie per language, regexes are compiled (with a
// match timeout) and analysed for the literals they require. A Detector is
// immutable after Compile and safe for concurrent use by any number of
// goroutines; per-call working memory (and a per-goroutine word cache) is
// kept in a small free list and reused. Scoring does no I/O.
//
// # Pipeline
//
// text → tokens → stems → matches → contributions → scores → report.
//
//   - Tokens are Unicode words, numbers and emoji, with byte offsets into
//     the caller's text. Their folded form is lowercase, without
//     diacritics, with compatibility forms (full-width, mathematical
//     letters) replaced by plain letters. URLs, e-mail addresses, @handles
//     and `code spans` produce no tokens. Quotation marks, hashtags and
//     sentence ends are recorded.
//   - Disguises are undone before lookup, keeping offsets: Cyrillic or
//     Greek look-alikes inside Latin words, leetspeak ("ch4nges"), letters
//     stretched ("sooooo") or spaced out ("t a g  a  f r i e n d"), zero-
//     width characters. A match that needed it says so (Match.Deobfuscated)
//     and weighs ObfuscationBonus times more.
//   - Phrases are matched on Snowball stems, in every compiled language at
//     once, so mixed-language text needs no hint. Within a category, the
//     leftmost-longest phrase wins ("game changer" beats "game"). A
//     one-word phrase is dropped when its sentence is clearly in another
//     language (Spanish "épico" must not fire on French "épices").
//   - Regexes run only near the literals they require (an Aho-Corasick
//     pass finds them), and most are tried only where a match can start
//     (at a literal, a digit, a symbol or a line start), anchored there,
//     never position by position; structural features (ALL-CAPS runs, !!! runs,
//     emoji density, listicle numbers, thread markers) are computed from
//     the tokens.
//
// # From matches to scores
//
// Each match contributes
//
//	contribution = weight × context × repeat × length × disguise
//
// where the factors are:
//
//   - context: 0 when a negation ("not", "no", "nunca", "ne … pas") comes
//     up to 4 words before a phrase in the same clause, or when an entry's
//     exception occurs in the sentence; MentionFactor (0.25) inside
//     quotation marks or after "so-called", "frases como", "ce qu'on
//     appelle"; HedgeFactor (0.5) after "maybe", "quizás", "peut-être".
//     Entries marked negatable: false ignore negation and hedges; those
//     that also weigh SignatureWeight or more ignore quotation too.
//   - repeat: RepeatDecay^(k−1) for the k-th hit of the same rule (1, ½,
//     ¼, …), so a phrase pasted 50 times adds at most twice its weight.
//   - length: 1 for texts of up to ReferenceWords (40) words; beyond that
//     sqrt(40/words) for rules below SignatureWeight (2.0). Signatures
//     such as chatbot residue count in full at any length.
//   - disguise: ObfuscationBonus (1.25) when the match needed
//     de-obfuscation, else 1.
//
// A category's points are the sum of its contributions, and its score is
//
//	score = 1 − 2^(−points)
//
// The report's Score is the highest category score; a category, and the
// text, is flagged when a score reaches the threshold (DefaultThreshold,
// 0.5, i.e. one point).
//
// Worked numbers, with the default threshold:
//
//   - "This is a total game changer" (6 words): one clear tell of weight
//     1.0 → 1 point → score 0.50, flagged.
//   - "This is not a game changer": the same match, negated → 0 points,
//     listed in the report with the note `negated by "not"`.
//   - The same tell once in a 5,000-word article: 1.0 × sqrt(40/5000) =
//     0.089 points → score 0.06, not flagged.
//   - Thirty different clear tells in that article: 30 × 0.089 = 2.7
//     points → score 0.84, flagged: density, not length, decides.
//   - "As an AI language model" (weight 3) anywhere in that article: 3
//     points → score 0.875, flagged.
//   - A weak tell (weight 0.4) alone in a short post: 0.4 points → 0.24,
//     not flagged; with a second weak tell of 0.6: 1.0 point → 0.50.
//   - "game changer" pasted 20 times in one short post: 1 + ½ + ¼ + … ≈ 2
//     points → 0.75.
//
// # Limits
//
// Score accepts up to MaxInputBytes; ScoreReader scores longer documents
// in bounded memory. Every regex search runs under a timeout
// (DefaultRegexTimeout, or WithRegexTimeout); a rule that times out is
// reported as a *RuleError while every other rule's matches are kept.
// Invalid UTF-8 never causes a panic: invalid bytes separate words and
// never start or end a match.
package detect

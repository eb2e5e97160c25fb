package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
)

// Sentences for generated traffic: everyday chat, and the kinds of red
// flags a community sees. Written for this generator.
var (
	genClean = []string{
		"morning all, the build is green again",
		"lunch at 1?",
		"Thanks for the review, I pushed a fix for the flaky test.",
		"Meeting moved to 3pm, same room as last week.",
		"Has anyone read the migration guide? The part about config files was clear.",
		"I think the second chart uses the wrong axis.",
		"The train was late again, sorry for missing standup.",
		"Can someone with access restart the staging server?",
		"New release notes are up on the wiki.",
		"We measured a 4% drop in latency after the cache change.",
		"¿Alguien sabe si el servidor vuelve hoy?",
		"Gracias por la ayuda con el informe de ayer.",
		"Je serai en retard de dix minutes.",
		"The paper cites three datasets; I checked two of them.",
		"Nice photo! Where was that taken?",
		"I disagree with the conclusion, but the method looks sound.",
		"Reminder: the library closes early on Friday.",
		"Does the API return UTC or local time?",
	}
	genFlagged = []string{
		"This changes everything.",
		"Tag a friend who needs to see this!!!",
		"Share if you agree.",
		"You won't believe what happened next.",
		"As an AI language model, I cannot browse the internet.",
		"Studies show this one trick works.",
		"The paradigm has changed, and you're falling behind.",
		"It's a total game changer, the single biggest advance since the internet.",
		"Comment YES if you want the link.",
		"Here is the story 🧵",
		"¡¡¡ INCREÍBLE !!! Comparte si estás de acuerdo.",
		"Let that sink in.",
		"Notice the pattern?",
		"Regenerate response",
		"This revolutionary miracle cure is backed by Starfleet Academy.",
		"17 things only real developers know",
	}
	genChannels = []string{"#general", "#random", "#dev", "#news", "#es"}
)

// generate writes n messages, one JSON line each, deterministic for a
// seed: about one in four carries a red flag, and a few authors post
// flagged messages much more often than the rest.
func generate(w io.Writer, n int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	type out struct {
		ID      int    `json:"id"`
		Author  string `json:"author"`
		Channel string `json:"channel"`
		Text    string `json:"text"`
	}
	var sb strings.Builder
	for i := 1; i <= n; i++ {
		spammer := r.IntN(20) == 0
		author := fmt.Sprintf("user%04d", r.IntN(2000))
		if spammer {
			author = fmt.Sprintf("promo%02d", r.IntN(10))
		}
		sb.Reset()
		parts := 1 + r.IntN(3)
		flagAt := -1
		if spammer || r.IntN(5) == 0 {
			flagAt = r.IntN(parts)
		}
		for p := 0; p < parts; p++ {
			if p > 0 {
				sb.WriteByte(' ')
			}
			if p == flagAt {
				sb.WriteString(genFlagged[r.IntN(len(genFlagged))])
			} else {
				sb.WriteString(genClean[r.IntN(len(genClean))])
			}
		}
		m := out{ID: i, Author: author, Channel: genChannels[r.IntN(len(genChannels))], Text: sb.String()}
		if err := enc.Encode(&m); err != nil {
			return fmt.Errorf("writing generated messages: %v", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing generated messages: %v", err)
	}
	return nil
}

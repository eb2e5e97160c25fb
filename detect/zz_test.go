package detect_test

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestAdvDebug(t *testing.T) {
	d := builtinDetector(t)
	f, _ := os.Open("../testdata/adversarial/en.tsv")
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		p := strings.Split(sc.Text(), "\t")
		if len(p) != 4 || (p[0] != "leetspeak" && p[0] != "stretched") {
			continue
		}
		ro, _ := d.Score(p[2])
		rd, _ := d.Score(p[3])
		fo, fd := flaggedCats(ro), flaggedCats(rd)
		for _, l := range strings.Split(p[1], ",") {
			if fo[l] && !fd[l] && n < 14 {
				n++
				var ms []string
				for _, m := range ro.Matches {
					ms = append(ms, m.Text)
				}
				var md []string
				for _, m := range rd.Matches {
					md = append(md, m.Text)
				}
				fmt.Printf("%s\n  %q %v\n  %q %v\n", p[0], p[2], ms, p[3], md)
			}
		}
	}
}

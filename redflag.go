package redflag

import "github.com/redflag-go/redflag/detect"

// Score scores text with the built-in lexicons and default options. It is
// detect.Default().Score(text): see detect.Detector.Score for the meaning
// of the report and the error.
func Score(text string) (detect.Report, error) {
	return detect.Default().Score(text)
}

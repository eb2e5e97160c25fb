module github.com/redflag-go/redflag

go 1.26.8

require (
	github.com/dlclark/regexp2/v2 v2.13.0
	github.com/kljensen/snowball v0.10.0
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/text v0.44.0
)

require github.com/stretchr/testify v1.12.1

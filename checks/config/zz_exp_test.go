package config

import (
	"fmt"
	"strings"
	"testing"
)

func TestExp(t *testing.T) {
	for _, s := range []string{
		"waivers:\n\t- id: A\n",
		"waivers:\n  - id: A\n\treason: x\n",
		"waivers:\n  - id: A\n    reason: x\n\texpires: 2027-01-01\n",
		"waivers: [\n",
		"waivers:\n  - id: A\n    reason: [x\n",
		"waivers:\n  - id: A\n    reason: \"x\n",
		"waivers:\n  - id: A\n    reason: x: y\n",
		"waivers:\n  - id: A\n    reason: x\n   expires: y\n",
		"waivers:\n  - id: A\n    reason: *nope\n",
		"a: \x01\n",
		"a: b\nc: d\n\x7f\n",
		"a: b\nc: \xff\n",
		"a: b\n" + strings.Repeat("# c\n", 2000) + "x: \x01\n",
		"waivers:\n  - id: A\n    id: B\n",
		"waivers: []\nwaivers: []\n",
		"---\n# nothing\n",
		"~\n",
		"--- {}\n",
		"\ufeffwaivers: []\n",
	} {
		c, err := Parse("f.yaml", []byte(s), nil)
		if len(s) > 100 { s = s[:20] }
		fmt.Printf("%q -> %+v, %v\n", s, c, err)
	}
}

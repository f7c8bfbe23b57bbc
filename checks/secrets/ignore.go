package secrets

import (
	"bufio"
	"strings"
)

// IgnoreFile is the per-repository list of gitleaks fingerprints to ignore.
const IgnoreFile = ".gitleaksignore"

// ignoreList holds the entries of a .gitleaksignore file, which are gitleaks
// fingerprints: "commit:path:rule:line" for one commit, or "path:rule:line"
// for the working tree, the staged change and that position in every commit.
type ignoreList map[string]bool

func parseIgnoreList(content string) ignoreList {
	l := ignoreList{}
	sc := bufio.NewScanner(strings.NewReader(content))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		l[line] = true
	}
	return l
}

// ignores reports whether the list holds the finding's commit fingerprint
// or its global one, as gitleaks matches them.
func (l ignoreList) ignores(globalFP, commitFP string) bool {
	return l[globalFP] || (commitFP != "" && l[commitFP])
}

package secrets

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/pelletier/go-toml/v2"
	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"

	"audit/checks"
)

// RepoConfigFile is the gitleaks configuration a repository may carry at its root.
const RepoConfigFile = ".gitleaks.toml"

// defaultConfig is gitleaks' built-in rule set, compiled once per process.
var defaultConfig = sync.OnceValues(func() (config.Config, error) {
	vc, err := readViperConfig(strings.NewReader(config.DefaultConfig))
	if err != nil {
		return config.Config{}, fmt.Errorf("read gitleaks default config: %w", err)
	}
	return translate(vc)
})

// loadConfig returns the rules for a repository: gitleaks' defaults, or the
// repository's own .gitleaks.toml (content) when it has one.
//
// gitleaks' own [extend] handling keeps package-global state (a recursion
// counter that is never reset and the global viper instance), so that a
// second extending load in one process silently loses allowlists. Here an
// `[extend] useDefault = true` is merged before gitleaks translates the
// config, and Translate never sees an [extend] table.
func loadConfig(content string) (cfg config.Config, err error) {
	if content == "" {
		return defaultConfig()
	}
	defer func() {
		if err != nil {
			err = errors.New(scrubConfigError(err.Error(), content))
		}
	}()
	vc, err := readViperConfig(strings.NewReader(content))
	if err != nil {
		return config.Config{}, err
	}
	if vc.Extend.Path != "" || vc.Extend.URL != "" {
		return config.Config{}, errors.New("[extend] path and url are not supported; use useDefault = true or copy the rules in")
	}
	if vc.Extend.UseDefault {
		def, err := readViperConfig(strings.NewReader(config.DefaultConfig))
		if err != nil {
			return config.Config{}, fmt.Errorf("read gitleaks default config: %w", err)
		}
		vc = mergeOnto(def, vc)
	}
	vc.Extend = config.Extend{}
	cfg, err = translate(vc)
	if err != nil {
		return config.Config{}, err
	}
	cfg.Path = RepoConfigFile // gitleaks skips its own config file by this path
	return cfg, nil
}

func readViperConfig(r *strings.Reader) (config.ViperConfig, error) {
	v := viper.New()
	v.SetConfigType("toml")
	var vc config.ViperConfig
	if err := v.ReadConfig(r); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return vc, fmt.Errorf("line %d, column %d: %s", row, col, scrubQuoted(de.Error()))
		}
		return vc, fmt.Errorf("parse TOML: %s", scrubQuoted(err.Error()))
	}
	if err := v.Unmarshal(&vc); err != nil {
		return vc, fmt.Errorf("decode config: %s", scrubQuoted(err.Error()))
	}
	return vc, nil
}

// translate compiles a config; gitleaks panics on a bad regular expression.
func translate(vc config.ViperConfig) (cfg config.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprint(r)
			if m := regexpProblem.FindStringSubmatch(msg); m != nil {
				// Name the problem only: the expression may hold a secret.
				msg = "invalid regular expression: " + m[1]
			}
			err = fmt.Errorf("compile rules: %s", scrubQuoted(msg))
		}
	}()
	cfg, err = vc.Translate()
	if err != nil {
		return cfg, errors.New(scrubQuoted(err.Error()))
	}
	if len(cfg.Rules) == 0 {
		return cfg, errors.New("it defines no rules (add [extend] useDefault = true to keep gitleaks' rules)")
	}
	return cfg, nil
}

// regexpProblem finds the kind of error in a regexp.MustCompile panic,
// "... error parsing regexp: missing closing ): `...`".
var regexpProblem = regexp.MustCompile("error parsing regexp: ([^:`]+)")

// quoted matches what parsers and regexp quote from a config in their
// errors: "values" and `regular expressions` (greedy: a backtick inside a
// regular expression must not end the quote early). 'Names' stay.
var quoted = regexp.MustCompile("(?s)`.*`|\"(?:[^\"\\\\]|\\\\.)*\"")

// scrubQuoted removes quoted text from an error and puts it on one line.
func scrubQuoted(msg string) string {
	return strings.Join(strings.Fields(quoted.ReplaceAllString(msg, "…")), " ")
}

// scrubConfigError makes an error about a repository's .gitleaks.toml safe
// to print: gitleaks and its parsers quote the offending value, and the
// value may be a secret (a leaked token pasted into an allowlist or a rule
// to watch for it). Every string the file holds is cut out, then quoted
// text, then anything token-like.
func scrubConfigError(msg, content string) string {
	var doc any
	if toml.Unmarshal([]byte(content), &doc) == nil {
		var leaves []string
		collectStrings(doc, &leaves)
		slices.SortFunc(leaves, func(a, b string) int { return len(b) - len(a) })
		for _, l := range leaves {
			if len(l) >= 4 {
				msg = strings.ReplaceAll(msg, l, "…")
			}
		}
	}
	return checks.ScrubTokens(scrubQuoted(msg))
}

func collectStrings(v any, out *[]string) {
	switch v := v.(type) {
	case string:
		*out = append(*out, v)
	case map[string]any:
		for _, e := range v {
			collectStrings(e, out)
		}
	case []any:
		for _, e := range v {
			collectStrings(e, out)
		}
	}
}

// mergeOnto applies a user config onto base as gitleaks' [extend] does:
// rules of base not disabled are kept, a user rule with a base rule's id
// overrides its non-empty fields and adds its tags, keywords and allowlists,
// other user rules are added, and global allowlists of both apply.
func mergeOnto(base, user config.ViperConfig) config.ViperConfig {
	disabled := map[string]bool{}
	for _, id := range user.Extend.DisabledRules {
		disabled[id] = true
	}
	userIndex := map[string]int{}
	for i, r := range user.Rules {
		userIndex[r.ID] = i
	}
	merged := user
	merged.Rules = merged.Rules[:0:0]
	used := map[string]bool{}
	for _, b := range base.Rules {
		if disabled[b.ID] {
			continue
		}
		if i, ok := userIndex[b.ID]; ok {
			u := user.Rules[i]
			used[b.ID] = true
			if u.Description != "" {
				b.Description = u.Description
			}
			if u.Entropy != 0 {
				b.Entropy = u.Entropy
			}
			if u.SecretGroup != 0 {
				b.SecretGroup = u.SecretGroup
			}
			if u.Regex != "" {
				b.Regex = u.Regex
			}
			if u.Path != "" {
				b.Path = u.Path
			}
			b.Tags = append(b.Tags, u.Tags...)
			b.Keywords = append(b.Keywords, u.Keywords...)
			if b.AllowList != nil {
				b.Allowlists = append(b.Allowlists, b.AllowList)
				b.AllowList = nil
			}
			if u.AllowList != nil {
				b.Allowlists = append(b.Allowlists, u.AllowList)
			}
			b.Allowlists = append(b.Allowlists, u.Allowlists...)
		}
		merged.Rules = append(merged.Rules, b)
	}
	for _, u := range user.Rules {
		if !used[u.ID] {
			merged.Rules = append(merged.Rules, u)
		}
	}
	merged.Allowlists = nil
	for _, c := range []config.ViperConfig{user, base} {
		if c.AllowList != nil {
			merged.Allowlists = append(merged.Allowlists, c.AllowList)
		}
		merged.Allowlists = append(merged.Allowlists, c.Allowlists...)
	}
	merged.AllowList = nil
	return merged
}

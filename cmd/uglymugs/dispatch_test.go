package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"
)

// TestRun_FindsCommandsByTheirWords: a command is named by one word or by
// two separate ones; anything else is an unknown command, and what follows
// the name is the command's own arguments.
func TestRun_FindsCommandsByTheirWords(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"two words in one argument", []string{"user add"}, `unknown command "user add"`},
		{"first word alone", []string{"user"}, `unknown command "user"`},
		{"unknown second word", []string{"user", "remove"}, `unknown command "user remove"`},
		{"one-word command first", []string{"migrate", "verify"}, `unexpected argument "verify"`},
		{"two-word command's arguments", []string{"audit", "verify", "now"}, `unexpected argument "now"`},
		{"one word of a command that also has two", []string{"demo", "now"}, `unexpected argument "now"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tt.args, testEnv(), nil, &out, &errOut)
			if err == nil || err.Error() != tt.want {
				t.Errorf("run(%q) = %v, want %s", tt.args, err, tt.want)
			}
		})
	}
}

// TestRun_HelpNamesTheCommand: "-h" lists a command's flags under its full
// name, one word or two.
func TestRun_HelpNamesTheCommand(t *testing.T) {
	for _, args := range [][]string{{"check-data", "-h"}, {"keys", "init", "-h"}, {"backup", "-h"}} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, testEnv(), nil, &out, &errOut)
		if !errors.Is(err, flag.ErrHelp) {
			t.Errorf("run(%q) = %v, want flag.ErrHelp", args, err)
		}
		name := strings.Join(args[:len(args)-1], " ")
		if want := "Usage of uglymugs " + name + ":"; !strings.Contains(errOut.String(), want) {
			t.Errorf("run(%q) printed %q, want it to contain %q", args, errOut.String(), want)
		}
		if !strings.Contains(errOut.String(), "-keys") {
			t.Errorf("run(%q) printed %q, want the common flags too", args, errOut.String())
		}
	}
}

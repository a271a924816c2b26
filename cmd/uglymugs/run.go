package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

const usage = `uglymugs: a members-only safety service for sex workers

Usage:
  uglymugs serve [--db DB] [--keys FILE] [--addr HOST:PORT] [--migrate]
  uglymugs demo  [--addr HOST:PORT]      serve a fresh database of fictional data
  uglymugs demo code USERNAME            the current second-factor code of a demo staff login
  uglymugs migrate [--db DB]             bring the database schema up to date
  uglymugs backup --out FILE --member-keys KEYS_FILE --recipient AGE_PUBLIC_KEY [--db DB]
                                         an encrypted copy of a SQLite database, while it serves
  uglymugs restore --in FILE --member-keys KEYS_FILE --identity AGE_KEY_FILE --db NEW_PATH
                                         decrypt a backup into a new file and check it
  uglymugs seed --members N [--db DB]    add N made-up members (benchmarks and load tests only)
  uglymugs user add --username NAME --role coordinator|admin [--db DB] [--keys FILE]
                                         (password on stdin; prints the TOTP otpauth:// URI)
  uglymugs keys init [--keys FILE]       write a new key file (never overwrites)
  uglymugs keys push [--keys FILE]       add a Web Push key to an older key file
  uglymugs audit verify [--db DB]        check the audit log's hash chain
  uglymugs check-data [--db DB] [--keys FILE]
                                         list every encrypted value that does not open (exit status 1 if any)
  uglymugs version

DB is a file path or sqlite:PATH (default ./data/uglymugs.db) or a postgres:// URL.
Every flag can also be set by environment: --db is UGLYMUGS_DB, --keys UGLYMUGS_KEYS,
and so on; "uglymugs COMMAND -h" lists a command's flags and variables.
`

// usageError is a mistake in how the command was called (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// env is how run reads the environment (os.Getenv, or a map in tests).
type env func(string) string

// A command is a sub-command: flags declares the flags it takes beside the
// common ones, and run does its work once they are parsed.
type command interface {
	flags(f *flags)
	run(ctx context.Context, c common, stdin io.Reader, stdout, stderr io.Writer) error
}

// noFlags is a command's flags when it takes only the common ones.
type noFlags struct{}

func (noFlags) flags(*flags) {}

// commands are the sub-commands by name: one word, or two ("user add").
var commands = map[[2]string]func() command{
	{"serve"}:           func() command { return &serveCmd{} },
	{"demo"}:            func() command { return &demoCmd{} },
	{"demo", "code"}:    func() command { return &demoCodeCmd{} },
	{"migrate"}:         func() command { return migrateCmd{} },
	{"backup"}:          func() command { return &backupCmd{} },
	{"restore"}:         func() command { return &restoreCmd{} },
	{"seed"}:            func() command { return &seedCmd{} },
	{"check-data"}:      func() command { return checkDataCmd{} },
	{"user", "add"}:     func() command { return &userAddCmd{} },
	{"keys", "init"}:    func() command { return keysInitCmd{} },
	{"keys", "push"}:    func() command { return keysPushCmd{} },
	{"audit", "verify"}: func() command { return auditVerifyCmd{} },
}

// run is the whole program: tests call it with their own arguments,
// environment and streams.
func run(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("no command given")
	}
	switch args[0] {
	case "version", "--version":
		fmt.Fprintln(stdout, "uglymugs", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	// Two words first: "demo code" is a command of its own beside "demo".
	name, rest := [2]string{args[0]}, args[1:]
	if len(rest) > 0 {
		if _, ok := commands[[2]string{args[0], args[1]}]; ok {
			name, rest = [2]string{args[0], args[1]}, args[2:]
		}
	}
	if _, ok := commands[name]; !ok && len(rest) > 0 {
		name, rest = [2]string{args[0], args[1]}, args[2:]
	}
	newCmd, ok := commands[name]
	if !ok {
		fmt.Fprint(stderr, usage)
		return usagef("unknown command %q", strings.Join(args[:min(2, len(args))], " "))
	}
	cmd := newCmd()
	f, c := newFlags(strings.TrimSpace(name[0]+" "+name[1]), getenv, stderr)
	cmd.flags(f)
	if err := f.parse(rest); err != nil {
		return err
	}
	return cmd.run(ctx, c, stdin, stdout, stderr)
}

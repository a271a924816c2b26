package core

import (
	"strings"

	"uglymugs/internal/scheme"
)

// NavItem is one link of the navigation.
type NavItem struct {
	Label, URL string
	Count      int  // a number beside the label: unread alerts
	Page       bool // the page shown is this link's (aria-current="page")
	Section    bool // the page shown is this link's, or one under it
	under      []string
}

// NavGroup is a titled part of the phone's menu (Label "" for none).
type NavGroup struct {
	Label string
	Links []NavItem
}

// Nav is the main navigation for whoever asks, from the path they are on.
// On a wide screen Top is one row (staff see their groups, each opening
// its first page, and Sub, the open group's own links, as a second row);
// on a phone the header keeps to one row: Quick beside a menu of Groups,
// which opens without JavaScript.
type Nav struct {
	Top    []NavItem
	Quick  []NavItem
	Groups []NavGroup
	Sub    []NavItem
	// SubLabel names Sub for screen readers ("Intelligence").
	SubLabel string
}

// staffGroups are the coordinators' and admins' pages, in groups; the
// last two are admins' only. A link's under lists other paths that belong
// to it (an offender's profile is part of the reports' work).
var staffGroups = []struct {
	label     string
	adminOnly bool
	links     []NavItem
}{
	{"Work", false, []NavItem{
		{Label: "Reports", URL: "/coordinator/reports", under: []string{"/coordinator/search", "/coordinator/offenders"}},
		{Label: "Alerts", URL: "/coordinator/alerts"},
		{Label: "Additions", URL: "/coordinator/additions"},
		{Label: "Support services", URL: "/coordinator/services"},
	}},
	{"Members", false, []NavItem{
		{Label: "Applications", URL: "/coordinator/applications"},
		{Label: "Members", URL: "/coordinator/members"},
		{Label: "Training", URL: "/coordinator/training"},
	}},
	{"Intelligence", false, []NavItem{
		{Label: "Offenders", URL: "/coordinator/intelligence"},
		{Label: "Unusual checking", URL: "/coordinator/checks"},
		{Label: "Statistics", URL: "/coordinator/statistics"},
		{Label: "Police exports", URL: "/coordinator/exports"},
		{Label: "Enquiries", URL: "/coordinator/enquiries"},
		{Label: "Disclosures", URL: "/coordinator/disclosures"},
	}},
	{"Site", true, []NavItem{
		{Label: "Pages", URL: "/admin/pages"},
		{Label: "Terms", URL: "/admin/terms"},
		{Label: "Translations", URL: "/admin/languages"},
		{Label: "Newsletter", URL: "/admin/newsletter"},
		{Label: "Outbox", URL: "/admin/outbox"},
	}},
	{"Settings", true, []NavItem{
		{Label: "Settings", URL: "/admin/settings"},
		{Label: "Lists", URL: "/admin/lists"},
		{Label: "Towns", URL: "/admin/towns"},
		{Label: "On call", URL: "/admin/on-call"},
		{Label: "API keys", URL: "/admin/api-keys"},
	}},
}

// at marks where path is in item.
func (it NavItem) at(path string) NavItem {
	it.Page = path == it.URL
	it.Section = it.Page || strings.HasPrefix(path, it.URL+"/")
	for _, p := range it.under {
		it.Section = it.Section || path == p || strings.HasPrefix(path, p+"/")
	}
	return it
}

// NavFor is the navigation for u (signedIn or not) on path; unread is the
// member's count of unread alerts.
func NavFor(u scheme.User, signedIn bool, path string, unread int) Nav {
	home := NavItem{Label: "Home", URL: "/"}.at(path)
	about := NavItem{Label: "About", URL: "/about"}.at(path)
	account := NavItem{Label: "My account", URL: "/account"}.at(path)
	switch {
	case !signedIn:
		join, signIn := NavItem{Label: "Join", URL: "/join"}.at(path), NavItem{Label: "Sign in", URL: "/signin"}.at(path)
		return Nav{Top: []NavItem{home, about, join, signIn}, Quick: []NavItem{signIn},
			Groups: []NavGroup{{Links: []NavItem{home, about, join, signIn}}}}
	case u.Role.Staff():
		return staffNav(u, path, account)
	case u.Status == scheme.StatusActive:
		alerts := NavItem{Label: "Alerts", URL: "/alerts", Count: unread}.at(path)
		check := NavItem{Label: "Check", URL: "/check"}.at(path)
		reports := NavItem{Label: "Reports", URL: "/reports"}.at(path)
		services := NavItem{Label: "Services near me", URL: "/services"}.at(path)
		top := []NavItem{alerts, check, reports, services, about, account}
		return Nav{Top: top, Quick: []NavItem{alerts, check}, Groups: []NavGroup{{Links: append([]NavItem{home}, top...)}}}
	}
	// Applying, or an account with nothing else to open.
	return Nav{Top: []NavItem{home, about, account}, Quick: []NavItem{account}, Groups: []NavGroup{{Links: []NavItem{home, about, account}}}}
}

func staffNav(u scheme.User, path string, account NavItem) Nav {
	var n Nav
	for _, g := range staffGroups {
		if g.adminOnly && u.Role != scheme.RoleAdmin {
			continue
		}
		group := NavGroup{Label: g.label}
		for _, l := range g.links {
			group.Links = append(group.Links, l.at(path))
		}
		top := NavItem{Label: g.label, URL: g.links[0].URL}
		for _, l := range group.Links {
			top.Section = top.Section || l.Section
		}
		if top.Section {
			n.Sub, n.SubLabel = group.Links, g.label
		}
		n.Top, n.Groups = append(n.Top, top), append(n.Groups, group)
	}
	n.Top = append(n.Top, account)
	n.Quick = []NavItem{n.Groups[0].Links[0]}
	n.Groups = append(n.Groups, NavGroup{Links: []NavItem{account}})
	return n
}

package member

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"
	"slices"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

func (s *server) accountPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	me, err := s.Accounts.Me(r.Context(), u)
	if err != nil {
		return err
	}
	v := accountView{Me: me}
	if v.Disclosures, err = s.myDisclosures(r, u); err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, viewAccount, core.FormView{Extra: v, Notice: noticeFrom(r)})
	return nil
}

// accountView is the account page: the account, and any disclosure of the
// member's information they must be told of.
type accountView struct {
	account.Me
	Disclosures []myDisclosure
}

// noticeFrom turns a ?done= code into a confirmation to show once. Only
// known codes are shown, so the address cannot carry text of its own.
func noticeFrom(r *http.Request) string {
	n := map[string]string{
		"answer":   "Thank you: your answer is with the coordinators.",
		"profile":  "Your details are saved.",
		"password": "Your password is changed. You were signed out everywhere else.",
		"totp":     "Your second factor is on.",
		"staff":    "Staff login saved.",
	}[r.URL.Query().Get("done")]
	if n == "" {
		return ""
	}
	return core.Loc(r).T(n)
}

func (s *server) answer(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	err := s.Accounts.AnswerApplication(r.Context(), u, r.PostFormValue("answer"))
	if scheme.ErrorCode(err) == scheme.CodeInvalid {
		me, merr := s.Accounts.Me(r.Context(), u)
		if merr != nil {
			return merr
		}
		s.Render(w, r, http.StatusUnprocessableEntity, viewAccount, core.FormView{Extra: accountView{Me: me}, Errors: core.FormErrors(err)})
		return nil
	}
	if err != nil {
		return err
	}
	core.SeeOther(w, r, "/account?done=answer")
	return nil
}

// ProfileView is the data of the "my details" form.
type ProfileView struct {
	core.JoinView
	Membership string
	// TownGroups are, for each of her regions with towns, the towns she
	// may narrow her alerts to there.
	TownGroups []townGroup
}

// townGroup is one region's towns on the profile form.
type townGroup struct {
	Region, RegionName string
	Towns              []townBox
}

// townBox is one town's box; a retired town shows only while she has it,
// so that she can untick it.
type townBox struct {
	Slug, Name string
	Retired    bool
}

func profileValues(p scheme.Profile) map[string]string {
	v := map[string]string{"work_name": p.WorkName, "real_name": p.RealName, "email": p.Email, "mobile": p.Mobile,
		"gender": p.Gender, "sector": p.Sector, "area": p.Area}
	for _, r := range p.Regions {
		v["regions."+r] = "1"
	}
	for _, t := range p.Towns {
		v["towns."+t] = "1"
	}
	if p.AlertEmail {
		v["alert_channels.email"] = "1"
	}
	if p.AlertSMS {
		v["alert_channels.sms"] = "1"
	}
	return v
}

// profileView is the form's choices: the towns of regions (hers, or as
// ticked on a form shown again), with the towns, regions, sector and
// gender she has (p) kept even if retired.
func (s *server) profileView(r *http.Request, p scheme.Profile, regions []string) (ProfileView, error) {
	mine := p.Towns
	jv, err := s.JoinFormKeeping(r, scheme.Individual, scheme.Kept{Regions: p.Regions, Sectors: []string{p.Sector}, Genders: []string{p.Gender}})
	if err != nil {
		return ProfileView{}, err
	}
	v := ProfileView{JoinView: jv, Membership: p.Membership}
	all, err := s.Towns.All(r.Context())
	if err != nil {
		return v, err
	}
	for _, region := range jv.Regions {
		if !slices.Contains(regions, region.Slug) {
			continue
		}
		g := townGroup{Region: region.Slug, RegionName: region.Name}
		for _, t := range all {
			if t.Region == region.Slug && (!t.Retired() || slices.Contains(mine, t.Slug)) {
				g.Towns = append(g.Towns, townBox{Slug: t.Slug, Name: t.Name, Retired: t.Retired()})
			}
		}
		if len(g.Towns) > 0 {
			v.TownGroups = append(v.TownGroups, g)
		}
	}
	return v, nil
}

func (s *server) profilePage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	p, err := s.Accounts.Profile(r.Context(), u)
	if err != nil {
		return err
	}
	v, err := s.profileView(r, p, p.Regions)
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, viewProfile, core.FormView{Values: profileValues(p), Extra: v})
	return nil
}

func (s *server) saveProfile(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	in, values := core.ApplicationFromForm(r, scheme.Individual)
	towns := r.PostForm["towns"]
	err := s.Accounts.UpdateProfile(r.Context(), u, account.ProfileInput{WorkName: in.WorkName, RealName: in.RealName, Email: in.Email,
		Mobile: in.Mobile, Area: in.Area, AlertChannels: in.AlertChannels, Regions: in.Regions, Towns: towns, Gender: in.Gender, Sector: in.Sector})
	if err == nil {
		core.SeeOther(w, r, "/account?done=profile")
		return nil
	}
	if scheme.ErrorCode(err) == scheme.CodeInternal {
		s.ServerError(w, r, err)
		return nil
	}
	for _, t := range towns {
		values["towns."+t] = "1"
	}
	p, _ := s.Accounts.Profile(r.Context(), u)
	// The towns of the regions she has and those she ticked, so that a
	// town she ticked stays in view beside the problem.
	v, verr := s.profileView(r, p, append(slices.Clone(p.Regions), in.Regions...))
	if verr != nil {
		return verr
	}
	s.Render(w, r, core.StatusFor(scheme.ErrorCode(err)), viewProfile, core.FormView{Values: values, Errors: core.FormErrors(err), Extra: v})
	return nil
}

func (s *server) passwordPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	s.Render(w, r, http.StatusOK, viewPassword, core.FormView{})
	return nil
}

func (s *server) changePassword(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	err := s.Accounts.ChangePassword(r.Context(), u, r.PostFormValue("current"), r.PostFormValue("password"))
	if err != nil {
		if scheme.ErrorCode(err) == scheme.CodeInternal {
			s.ServerError(w, r, err)
			return nil
		}
		s.Render(w, r, core.StatusFor(scheme.ErrorCode(err)), viewPassword, core.FormView{Errors: core.FormErrors(err)})
		return nil
	}
	// Every session ended with the change; start a fresh one here.
	sess, err := s.Accounts.SignIn(r.Context(), account.SignInInput{Username: u.Username, Password: r.PostFormValue("password")}, "web")
	if err != nil {
		s.ClearSessionCookie(w, false)
		core.SeeOther(w, r, "/signin")
		return nil
	}
	s.SetSessionCookie(w, false, sess.Token)
	core.SeeOther(w, r, "/account?done=password")
	return nil
}

// SecondFactorView shows a new secret to load into an authenticator app.
type SecondFactorView struct {
	Secret        string
	QR            template.URL // data: URI of a QR code PNG (the CSP allows data: images)
	RecoveryCodes []string
	Required      bool
}

func (s *server) secondFactorPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	key, err := s.Accounts.SetUpTOTP(u.Username)
	if err != nil {
		return err
	}
	v := SecondFactorView{Secret: key.Secret(), Required: u.Role.Staff()}
	if img, err := key.Image(200, 200); err == nil {
		var buf bytes.Buffer
		if png.Encode(&buf, img) == nil {
			v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())) // #nosec G203 -- a PNG we encoded just now
		}
	}
	s.Render(w, r, http.StatusOK, viewSecondFactor, core.FormView{Values: map[string]string{"secret": v.Secret}, Extra: v})
	return nil
}

func (s *server) confirmSecondFactor(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	secret := r.PostFormValue("secret")
	codes, err := s.Accounts.ConfirmTOTP(r.Context(), u.ID, secret, r.PostFormValue("code"))
	if err != nil {
		if scheme.ErrorCode(err) == scheme.CodeInternal {
			s.ServerError(w, r, err)
			return nil
		}
		s.Render(w, r, core.StatusFor(scheme.ErrorCode(err)), viewSecondFactor, core.FormView{Values: map[string]string{"secret": secret},
			Errors: core.FormErrors(err), Extra: SecondFactorView{Secret: secret, Required: u.Role.Staff()}})
		return nil
	}
	s.Render(w, r, http.StatusOK, viewSecondFactor, core.FormView{Extra: SecondFactorView{RecoveryCodes: codes}})
	return nil
}

func (s *server) myData(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	e, err := s.Accounts.ExportData(r.Context(), u)
	if err != nil {
		return err
	}
	core.DownloadJSON(w, "my-data.json", e)
	return nil
}

func (s *server) leavePage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	s.Render(w, r, http.StatusOK, viewLeave, core.FormView{Extra: u})
	return nil
}

func (s *server) leave(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if r.PostFormValue("confirm") != "yes" {
		s.Render(w, r, http.StatusUnprocessableEntity, viewLeave, core.FormView{Extra: u,
			Errors: map[string]string{"confirm": core.Loc(r).T("Tick the box to confirm that you want to leave.")}})
		return nil
	}
	if err := s.Accounts.Leave(r.Context(), u); err != nil {
		return err
	}
	s.ClearSessionCookie(w, false)
	core.ClearSiteData(w)
	// Render as a visitor: the session is gone.
	r = r.WithContext(core.ContextWithoutUser(r))
	s.Render(w, r, http.StatusOK, viewLeft, nil)
	return nil
}

## Frame
skip-to-content = Skip to content
language-switch = Language
staff-sign-out = Sign out
footer-privacy = Ombud stores no IP address, sets no tracking cookie and loads nothing from other sites. What you write is encrypted before it is stored.
nav-home = Back to the start

## Page titles
landing-title = Speak up safely
report-title = Make a report
receipt-title = Your receipt
follow-up-title = Check on a report
follow-up-case-title = Your report
staff-sign-in-title = Staff sign-in
inbox-title = Cases
case-title = Case

## Errors (title, then body)
error-not-found = Not found
error-not-found-body = There is nothing at this address, or you may not see it.
error-invalid-input = Some answers need another look
error-invalid-input-body = Please check the highlighted fields.
error-receipt-not-recognised = Receipt not recognised
error-receipt-not-recognised-body = That receipt does not open a report. Check each digit and try again.
error-malformed-receipt = That does not look like a receipt
error-malformed-receipt-body = A receipt has 28 digits in seven groups of four. One digit may be mistyped or two swapped.
error-bad-credentials = Wrong email or password
error-bad-credentials-body = The email address or the password is not right.
error-access-pending = Access pending
error-access-pending-body = You may read this case, but a colleague who already can must open it once to share its key with you. If nobody can any more, oversight can recover it.
error-forbidden = Not allowed
error-forbidden-body = Your role cannot do this on this case.
error-invalid-transition = This step is not possible now
error-invalid-transition-body = The case has already moved past this step.
error-duplicate-account = Account exists
error-duplicate-account-body = An account with this email address already exists.
error-internal = Something went wrong on our side
error-internal-body = Nothing you sent has been lost. Please try again in a moment.
error-unauthorized = Sign-in required
error-unauthorized-body = Please sign in again.
error-too-many-attempts = Too many attempts. Please wait a few minutes and try again.
error-too-many-attempts-body = Too many attempts were made. Please wait a few minutes.
error-malformed-json = The request body is not valid JSON.
error-malformed-json-body = The request body is not valid JSON.
error-invalid-body = The request body does not have the expected fields.
error-invalid-body-body = The request body does not have the expected fields.
error-unsupported-media-type = Send the body as application/json.
error-unsupported-media-type-body = Send the body as application/json.
error-body-too-large = The request body is too large.
error-body-too-large-body = The request body is too large.
error-method-not-allowed = This method is not allowed here.
error-method-not-allowed-body = This method is not allowed here.

## Field messages
field-required = Please fill this in.
field-too-long = This is too long.
field-invalid-choice = Please choose one of the options.
field-invalid-date = Please enter a date like 2026-05-01.
field-future-date = This date is in the future.
field-invalid-email = Please enter an email address like name@example.com.
field-too-many = Too many entries.
field-contact-needed = To be contacted, give an email address or a phone number (or choose anonymous).
field-password-too-short = The password needs at least 10 characters.
field-too-many-files = Too many files at once.
field-file-too-large = A file is larger than the limit. Your text is kept; please choose files again.
field-request-too-large = The files together are too large. Your text is kept; please choose fewer or smaller files.

## Landing
landing-heading = Speak up safely
landing-lead = You can tell us about sexual harassment, assault, retaliation, discrimination or other misconduct. You decide how much of yourself to share.
landing-report-button = Make a report
landing-follow-up-button = I have a receipt
landing-anonymous-heading = Anonymous, if you want
landing-anonymous-body = You do not have to give your name. You get a receipt code instead: with it you can read answers and write back. Nobody else can open your report with it.
landing-confidential-heading = Or confidential
landing-confidential-body = If you want to be contacted, your name and contact details are sealed so that only the people handling your case can read them.
landing-no-evidence-heading = No evidence required
landing-no-evidence-body = Your account is enough to open a case. If you have screenshots, messages or names of witnesses, you can add them, now or later.
landing-next-heading = What happens next
landing-next-body = The handling team must confirm receipt within 7 days and tell you what was done within 3 months. You can see these deadlines at any time with your receipt.
landing-staff-link = Staff sign-in

## Report form
report-heading = Make a report
report-lead = Only the first two questions are required. Write in your own words; you can add more later.
report-no-evidence = You do not need evidence to make a report. Nothing here asks you to prove anything.
form-has-errors = Please check these answers
report-files-again = For your safety, files are kept only once the report is sent. Please choose these files again:
report-category-legend = What is it about?
form-required = (required)
form-choose = Choose…
report-description-label = What happened?
report-description-hint = As much or as little as you want to say. What happened, who was there, what was said or done.
report-when-legend = When did it happen?
report-when-date = Date
report-when-approximate = The date is approximate
report-when-description = Or describe when (for example “during the sales trip in May”)
report-where-legend = Where did it happen?
report-where-kind = Place
report-where-detail = More about the place (optional)
report-people-legend = People involved
report-people-hint = Name anyone involved: the person or people you are reporting, witnesses, others. They can be inside or outside the organisation (a client, a vendor). You can name more people later in a message.
report-people-id-hint = If you know the email or employee ID of the person you are reporting, adding it helps keep your report away from his or her management; it is optional.
report-person = Person
report-person-name = Name
report-person-employee-id = Employee ID (optional)
report-person-email = Email (optional)
report-person-role = Their part
report-person-side = Inside or outside the organisation
person-internal = Inside the organisation
person-side-unknown = Not sure
person-external = Outside the organisation
report-requests-legend = What would help you now?
report-requests-hint = Each request gets a written answer. Choose any that apply.
report-requests-other-detail = Something else you need
report-mode-legend = How do you want to report?
mode-anonymous = Anonymous
report-mode-anonymous-hint = no name, you keep only a receipt code.
mode-confidential = Confidential
report-mode-confidential-hint = your name and contact details are sealed for the handling team only.
report-contact-hint = Only if you chose confidential:
report-contact-name = Your name
report-contact-email = Email
report-contact-phone = Phone
report-attachments-label = Files (optional)
report-attachments-hint = Screenshots, messages, documents. Up to { $mb } MB each.
report-before-submit = After you send the report you will get a receipt code. It is shown only once.
report-submit = Send the report

## Choices
category-sexual-harassment = Sexual harassment
category-sexual-assault = Sexual assault
category-retaliation = Retaliation
category-discrimination = Discrimination
category-other = Other misconduct
location-workplace = At the workplace
location-business-trip = On a business trip
location-client-or-social-event = At a client or social event
location-online = Online or by message
location-other = Somewhere else
role-accused = Person reported
role-witness = Witness
role-other = Other
request-no-contact = No contact with the person reported
request-change-reporting-line = A change of reporting line
request-leave = Leave
request-counselling = Counselling
request-other = Something else
status-received = Received
status-acknowledged = Acknowledged

## Receipt
receipt-heading = Your report has been sent
receipt-lead = Keep this receipt. It is the only way to read answers and write back.
receipt-label = Receipt
receipt-reference = Case reference:
receipt-keep-heading = Keep it safe
receipt-keep-once = It is shown only this once. Nobody, including us, can show it to you again.
receipt-keep-where = Write it down or keep it somewhere only you can reach. Do not keep it on a work device if you are worried about it being seen.
receipt-keep-lost = If you lose it, you can make a new report and mention this case reference.
receipt-next-heading = What happens next
receipt-next-body = The handling team must confirm receipt within 7 days. Come back with your receipt to see the status, the deadlines and messages.
receipt-follow-up = Check on my report

## Follow-up
follow-up-heading = Check on a report
follow-up-lead = Enter the receipt you got when you sent your report.
follow-up-receipt-label = Receipt
follow-up-receipt-hint = 28 digits. Spaces and dashes do not matter.
follow-up-submit = Open my report
follow-up-case-heading = Your report
reply-heading-reporter = Write to the handling team
follow-up-sign-out = Close my report on this device

## Case
case-reference = Reference
case-status = Status
case-category = Category
case-received = Received
case-mode = Reported as
case-deadlines = Deadlines
case-report = Report
case-when = When
case-where = Where
case-contact = Contact
case-people = People involved
case-requests = Requests
case-files = Files
case-messages = Messages
case-no-messages = No messages yet.
occurred-approximately = around { $date }
person-employee-id = employee ID { $id }
thread-from-reporter = Reporter
thread-from-you = You
thread-from-team = Handling team
reply-label = Message
reply-files = Files (optional)
reply-submit = Send
feedback-heading = Feedback for the reporter
feedback-hint = Tell her what has been done and why, in words she can follow. This is the feedback the law requires: it alone meets the feedback deadline; an ordinary message or a workflow step does not.
feedback-label = What was done, and why
feedback-send = Send feedback
message-feedback = Feedback
event-feedback-sent = The handling team told you what was done and why
reply-heading-staff = Write to the reporter
deadline-acknowledge = Confirm receipt
deadline-feedback = Feedback on what was done
deadline-met = done { $when }
deadline-acknowledge-not-started = starts when the report is received
deadline-feedback-not-started = starts when receipt is confirmed (3 months)
deadline-due = due { $when } — { $left }
time-left = { $amount } left
time-overdue-by = overdue by { $amount }
unit-days = { $n ->
    [one] 1 day
   *[other] { $n } days
}
unit-hours = { $n ->
    [one] 1 hour
   *[other] { $n } hours
}

## Staff
staff-sign-in-heading = Staff sign-in
staff-email = Email
staff-password = Password
staff-sign-in-submit = Sign in
inbox-heading = Cases
inbox-empty = There are no cases for you.
inbox-caption = Cases you may see, newest first
inbox-next-deadline = Next deadline
inbox-access-pending = access pending
case-back-to-inbox = All cases
case-routing-restricted = Restricted: a person accused inside the organisation matched nobody in the directory, so only oversight reads this case. Identify him under “Who the named people are” (or record that he is outside, or cannot be identified). Until then no step can be taken; the case can be acknowledged and the reporter answered.
case-routing-oversight = Kept with oversight: the person accused cannot be identified, so no handler reads this case.
case-heading = Case
case-acknowledge = Confirm receipt
case-acknowledge-hint = Tells the reporter her report was received and starts the 3-month feedback deadline.

## Ledger
footer-about = How to check the record
about-title = Checking the record
about-heading = A record nobody can quietly change
about-lead = Every step of every case is written to a tamper-evident log. The log is signed with this instance's key; a record you downloaded can be checked against it at any time, without us.
about-key-label = This instance's public key
about-checkpoint-label = Latest signed checkpoint
about-no-checkpoint = No checkpoint has been signed yet.
about-verify-heading = Check a record yourself
about-verify-body = Download your record from your report's page and keep it. Anyone with the Ombud program can check it offline with the key above. To check a newer record against an older one, choose the older file when you download the newer: it then carries the proof of whether anything was removed or changed. Ombud does not remember your downloads.
record-heading = Record of handling
record-lead = Every step of your case, as written to the tamper-evident log. Your record file lets you prove later that these steps are on record. Steps of the last few minutes join it once the log is next signed.
record-download = Download my record
record-since-label = A record you kept before (optional)
record-since-hint = Choose the record file you downloaded earlier: the new record then carries the proof that it extends that one, so nothing was removed or changed since. Ombud does not remember your downloads.
record-since-download = Download my record, proven against the earlier one
field-record-not-a-record = This file is not a record of handling. Choose the .json file you downloaded from this page.
field-record-not-ours = This record was not signed by this Ombud. Choose a record you downloaded from this page.
event-submitted = Report received
event-acknowledged = Receipt confirmed
event-opened-by-staff = Opened by the handling team
event-message-from-reporter = You wrote a message
event-message-from-staff = The handling team wrote a message
event-access-granted = Access shared within the handling team
field-beyond-log = The log is not that long yet.
field-beyond-tree = The index must be smaller than the tree size.
error-invalid-query = The query parameters are missing or not whole numbers.
error-invalid-query-body = The query parameters are missing or not whole numbers.

## Deadlines and escalation
escalated-notice = Your case was raised to the independent oversight committee on { $when }.
escalate-heading = Raise your case to oversight
escalate-hint = A deadline of your case was missed. You can ask the independent oversight committee to look at it now; the handling team cannot stop this.
escalate-button = Raise my case to the oversight committee
nav-staff = Staff pages
nav-escalations = Escalations
oversight-title = Escalations
oversight-heading = Escalated cases
oversight-lead = Cases raised to the committee by a missed deadline or by the reporter, newest first.
oversight-empty = No case has been escalated.
oversight-cause = Why
oversight-missed = Missed deadline
oversight-escalated = Escalated
cause-missed-deadline = A deadline was missed
cause-reporter = Raised by the reporter
event-escalated = Raised to the oversight committee
error-routing-pending = This case waits for oversight
error-routing-pending-body = Oversight must first identify the person accused, so that nobody in his management handles the case. The case can be acknowledged and the reporter's messages answered meanwhile.
error-escalation-not-yet = No deadline of this case has passed yet
error-escalation-not-yet-body = You can raise your case to oversight once a deadline is missed. The deadlines are shown on your report's page.

## Notifications (they never carry content)
email-subject = Ombud: something needs your attention
email-body =
    Something in Ombud needs your attention.

    Sign in to see it: { $link }

    This message deliberately says nothing about what it concerns.
email-invitation-subject = Ombud: you are invited
email-invitation-body =
    You have been given an account in Ombud, the organisation's speak-up system.

    Choose your password here (the link works once, for three days): { $link }

    If you did not expect this, ignore this message.
email-reset-subject = Ombud: choose a new password
email-reset-body =
    Your Ombud account was reset by an administrator.

    Choose a new password here (the link works once, for three days): { $link }

    If you did not ask for this, tell your administrator.
email-sign-in-failures-subject = Ombud: failed sign-in attempts
email-sign-in-failures-body =
    Several attempts to sign in to your Ombud account failed, so further attempts are being slowed down.

    If these were not yours, tell your administrator. You can still sign in here: { $link }

## Workflow
status-referral-pending = Referral elsewhere awaiting oversight sign-off
status-dismissal-pending = Dismissal awaiting oversight sign-off
status-assessed = Assessed: in scope
status-investigating = Being investigated
status-findings = Findings recorded
status-decision = Decision taken
status-closed = Closed
step-acknowledge = Confirm receipt
step-assess-in-scope = Assess: in scope
step-assess-referred = Assess: refer elsewhere (closes the case)
step-assess-dismissed = Assess: dismiss
step-interim-measures = Decide on interim measures
step-start-investigation = Start the investigation
step-record-findings = Record findings
step-decide = Take the decision
step-close = Close the case
step-reopen = Reopen the case
step-approve-dismissal = Sign off the dismissal
step-refuse-dismissal = Refuse the dismissal (back to assessment)
step-approve-referral = Sign off the referral elsewhere
step-refuse-referral = Refuse the referral (back to assessment)
deadline-triage = Triage
deadline-interim-measures = Decision on interim measures
deadline-routing = Identify the person accused (oversight)
deadline-request-answer = Answer to a request
deadline-triage-not-started = starts when the report is received
deadline-interim-measures-not-started = starts when the report is received
deadline-routing-not-started = starts when the report is received
deadline-request-answer-not-started = starts when the request is made
event-state-changed = The case moved to its next step
event-request-answered = One of your requests was answered
event-deadline-extended = A deadline was moved, with a reason
event-proceeding-linked = A related official proceeding was noted
answer-granted = Granted
answer-partly-granted = Partly granted
answer-declined = Declined
request-answer-due = An answer is due by { $when }.
deadline-extended = { $deadline }: moved from { $from } to { $to }. Reason given: { $reason }
deadline-paused = { $deadline }: paused; now due { $to } instead of { $from }. Reason given: { $reason }
deadline-justification = Justification recorded for oversight: { $reason }
case-next-step = Next step
case-step = Step
case-step-reason = Reason (kept on the record)
case-step-submit = Take this step
case-answer-request = Answer the request
case-answer-outcome = Answer
case-answer-reason = Reason, written for the reporter
case-answer-submit = Send the answer
case-change-deadline = Move a deadline
case-change-kind = How
change-extension = Extend to a new date
change-pause = Pause until a date
case-change-until = Date
case-change-justification = Justification (for oversight)
case-change-for-reporter = Reason, written for the reporter
case-change-submit = Move the deadline
case-proceedings = Police report or court case
case-proceedings-hint = Noting a proceeding pauses nothing: the internal process goes on. To pause a deadline, move it with a reason.
case-proceeding-authority = Authority
case-proceeding-reference = Reference
case-proceeding-date = Date
case-proceeding-submit = Note the proceeding
case-history = Steps taken
oversight-queue = Waiting on oversight
oversight-queue-since = since { $when }
oversight-queue-due = due { $when }
oversight-queue-lift = would let { $name } back in
oversight-lift-approve = Let back in
oversight-lift-refuse = Keep out
queue-restricted-routing = Identify the person accused (restricted case)
queue-access-lift = A directory change would lift an exclusion
queue-dismissal = Dismissal to sign off
queue-referral = Referral elsewhere to sign off
queue-escalation = Escalated
oversight-directory-changes = Who changed the directory
directory-change = { $when }: { $by } changed { $people } { $people ->
    [one] person
   *[other] people
}; { $waiting } { $waiting ->
    [one] exclusion waits
   *[other] exclusions wait
} for approval to be lifted
directory-change-command-line = the command line on the server
directory-change-admin = administrator { $name }
directory-change-token = sync token “{ $label }” (created by { $name })
oversight-dismissals = Dismissals to sign off
oversight-overdue = Overdue deadlines
oversight-changes = Moved deadlines
oversight-none = None.
oversight-dismissal-since = waiting since { $when }
oversight-change = { $deadline }: { $from } → { $to }. Justification: { $justification } — told the reporter: { $reason }
field-not-later = Choose a date after the current deadline.
field-already-met = This deadline was already met.
field-unknown-time-zone = Use a time zone name such as Asia/Shanghai or Europe/Berlin.

## Conflict-of-interest routing, directory and access log
event-file-downloaded = A file was downloaded by the handling team
event-identity-revealed = Your contact details were viewed by the handling team
event-people-matched = The people you named were matched to the staff directory
event-access-changed = Who may read your case changed, to keep out anyone with a conflict
event-recused = A member of the handling team stepped aside because of a conflict
field-duplicate = The same value is on an earlier line.
field-email-taken = Another person in the directory has this email address.
field-immutable = This value cannot be changed.
field-unknown-employee = No one in the directory has this employee ID.
field-inactive-employee = This person has left the directory (inactive): an account linked to her would not be disabled when she leaves.
field-ambiguous-employee = More than one person in the directory goes by this identifier. Use one only she has, such as her employee number.
field-own-manager = A person cannot be her own manager.
field-unknown-person = This names no one in the directory.
field-unreadable = This line cannot be read.
field-wrong-columns = The header must name the columns employee_id, name, email, manager_id, unit, level, hr_partner_id.
access-since-excluded = excluded from this case since { $when }
access-opened-by-staff = Opened the case
access-file-downloaded = Downloaded a file
access-identity-revealed = Viewed the reporter's contact details
case-access-log = Access log
case-parties = Who the named people are
case-parties-hint = Each person the report names is matched to the staff directory, so nobody in an accused's management chain, his unit's HR partner or his direct reports can see this case. Confirm each match, or correct it with the right employee ID; mark clients and vendors as outside the organisation. A handler's correction never lets anyone back in; only an oversight member's can.
party-matched = Matched to { $name } ({ $id }, { $unit }, level { $level })
party-unmatched = Not matched to anyone in the directory yet
party-external = Outside the organisation
party-confirmed = confirmed by { $name }, { $at }
match-employee-id = matched by the employee ID she gave
match-email = matched by the email address she gave
match-name = suggested by name: please confirm
match-handler = set by a handler
match-external = outside the organisation
match-unidentified = cannot be identified (recorded by oversight)
match-unmatched = no match
case-reveal = Show the reporter's contact details
case-reveal-hint = Each time they are shown is recorded in the access log that oversight reads.
case-recuse = Declare a conflict of interest
case-recuse-hint = If you know anyone involved, or could be seen as partial, step aside. You will lose access to this case at once and for good; the oversight committee will see that you declared a conflict.
case-recuse-submit = I have a conflict: remove me from this case
inbox-recused = You have stepped aside from that case. It is no longer in your list.
inbox-search = Find a case by its reference
inbox-search-submit = Search
inbox-summary = { $count ->
    [one] One case you may see
   *[other] { $count } cases you may see
} { $parts }
oversight-exclusions = Who is kept out of which case
oversight-exclusions-lead = Staff who may not see a case, with the rule that excluded them or their own declaration. The people excluded are not told.
oversight-exclusion = { $name }: { $reason } (since { $since })
oversight-exclusion-read = Had read the case before, last on { $when }.
exclusion-declared = declared a conflict
exclusion-named = named in the report
exclusion-management-chain = in the management chain above a person reported
exclusion-hr-partner = HR partner of a reported person's unit
exclusion-direct-report = reports directly to a person reported
exclusion-oversight-only = the case is oversight's alone: it accuses a senior leader, or someone not yet identified
exclusion-conflict = a conflict of interest (kept after a handler's correction; the rule no longer names it)

## She learns what happened and why
deadline-closed = ended { $when }: { $reason }
deadline-closed-case-closed = the case was closed
outcome-heading = What was decided, and why
outcome-acknowledge = Receipt confirmed
outcome-assess-in-scope = Your report was assessed: it is within scope
outcome-assess-referred = Your report was referred elsewhere
outcome-assess-dismissed = Your report was dismissed
outcome-interim-measures = Interim measures were decided
outcome-start-investigation = The investigation started
outcome-record-findings = The findings were recorded
outcome-decide = A decision was taken
outcome-close = Your case was closed
outcome-reopen = Your case was reopened
outcome-approve-dismissal = The oversight committee confirmed the dismissal
outcome-refuse-dismissal = The oversight committee refused the dismissal: your report is assessed again
outcome-approve-referral = The oversight committee confirmed the referral elsewhere
outcome-refuse-referral = The oversight committee refused the referral: your report is assessed again
channels-heading = Where you can turn next
channels-lead = You can also take this outside the organisation. These services do not depend on it:
case-step-for-reporter = For her: what happened and why
case-step-for-reporter-hint = She reads this on her page, in her language if you write it so. Required to refer elsewhere, dismiss, record findings, decide, close or reopen; optional for other steps.
case-step-see-requests = Her requests
case-history-told-her = Told her:
field-unanswered-requests = One of her requests is not answered yet. Answer every request before the case is closed.
field-deadline-ended = This deadline ended when the case was closed.
field-feedback-not-paused = The feedback deadline cannot be paused: she is told what was done within three months of the acknowledgement, even if the investigation goes on.
field-beyond-allowed-extension = The feedback deadline cannot be moved this far under the organisation's policy.

## A form that forgives
report-limits = The description can be up to { $chars } characters; everything you send at once, text and files together, up to { $mb } MB.
report-description-limit = Up to { $chars } characters.
field-description-too-long = Your description has { $count } characters; the limit is { $max }. Everything you wrote is still here: shorten it, or send the rest as a message after you get your receipt.
report-add-person = Add another person
report-add-person-hint = The form comes back with everything you wrote and one more block. Files must then be chosen again.
report-too-large = Your report was too large to receive
report-too-large-body = Everything sent at once, text and files together, may be up to { $mb } MB. What you sent was larger, so nothing of it was received and nothing was filed. Go back, choose fewer or smaller files, and send it again; your text is usually far within the limit.
report-too-large-again = Back to the report form
receipt-follow-up-hint = Opens your case on this device for the next few minutes, without typing the receipt. Later, you will need the receipt.
follow-up-continue-expired = That button works once and only for ten minutes after sending. Enter your receipt to open your case.
field-name-needed = Write the person's name, or their employee ID or email if you know it.
field-other-needs-detail = Say what else you need, so it can be answered.
error-already-received = This report was already received
error-already-received-body = The same form was sent again, for example by reloading the page or pressing the button twice. Your report was received the first time, and nothing was filed twice. For your safety a receipt is shown only once: if you did not keep it, make a new report and say that it repeats an earlier one.
receipt-follow-up-later = Open my case with the receipt instead
form-error-line = { $field }: { $message }
form-error-line-asked = { $field } { $message }
field-message-too-long = Your message has { $count } characters; the limit is { $max }. Everything you wrote is still here: shorten it, or send it as two messages.
field-feedback-not-extended = The feedback deadline cannot be moved: she is told what was done within three months of the acknowledgement. Send feedback instead, even if the investigation goes on.
field-duplicate-request = Each kind of request can be made once.
error-cross-site = This form was sent from another site
error-cross-site-body = For your safety, Ombud only accepts forms sent from its own pages. Nothing was received. Open the page again from Ombud's address and send it from there.
event-pause-asked = A long pause of a deadline was asked for; it waits for the oversight committee
event-pause-refused = The oversight committee refused a long pause of a deadline
queue-pause = A long pause to approve
oversight-queue-pause = asked by { $name }
oversight-pause-approve = Approve the pause
oversight-pause-refuse = Refuse
deadline-change-pending = waiting for the oversight committee's approval; nothing has moved yet
deadline-change-refused = refused by the oversight committee; nothing moved
field-acknowledge-not-paused = The deadline to confirm receipt cannot be moved: confirming takes one click, whatever else is going on.
field-too-short = Please write at least a sentence.

# What each action of a case page did, said at the top of the page it returns to.
done-acknowledged = Receipt confirmed. She sees it on her page, and the acknowledgement deadline is met.
done-replied = Your message was sent. She sees it on her page.
done-feedback-sent = Your feedback was sent. It meets the feedback deadline.
done-step-taken = The step was taken and is on the record.
done-request-answered = Her request was answered. She sees the answer and its reason.
done-deadline-moved = The deadline was moved. She sees the new date and your reason for her.
done-pause-asked = The pause waits for the oversight committee's approval. Nothing has moved yet.
done-proceeding-linked = The proceeding was linked to the case.
done-person-matched = Who this person is was saved, and who may read the case was decided again.
done-case-left = Who the person is was saved. The rule now keeps you out of that case, so it left your list.
error-not-now = This cannot be done while the case is “{ $status }”.
field-choose-step = Choose the step to take.
field-already-answered = This request was already answered.

# Who works on a case, labels, notes.
work-heading = Who works on this case
work-lead = Lead investigator
work-no-lead = Nobody leads this case yet.
work-team = Team
work-nobody = Nobody
work-take = Take the lead
work-take-hint = You become the lead investigator; reminders then go to you.
work-change = Change who works on it
work-change-hint = Only staff who may read this case are listed: who may read it is decided by the conflict rule, not here.
work-reason = Reason (needed when the lead is removed)
work-save = Save who works on it
work-hand-back = Hand the case back
work-hand-back-reason = Why you hand it back (the oversight committee reads this)
work-hand-back-submit = Hand back
work-labels = Labels
work-labels-save = Save labels
work-history = Changes of who works on it
work-history-line = { $when }, by { $by }: lead { $lead }, { $team ->
    [0] no team
    [one] one on the team
   *[other] { $team } on the team
}
notes-heading = Notes for the case's readers
notes-hint = Only staff who may read this case see notes. She never does.
notes-label = New note
notes-add = Add note
done-assigned = Who works on the case was saved. Reminders go to them now.
done-handed-back = You handed the case back. Once past triage it waits in the oversight committee's queue.
done-note-added = Your note was added. Only the case's readers see it.
done-labels-saved = The labels were saved.
field-not-a-reader = This person cannot read this case, so she cannot work on it. Choose among the staff listed.
queue-unassigned = Nobody leads this case: assign someone
event-assigned = Who works on the case changed
event-note-added = A note was added
event-labels-changed = The labels changed

# The inbox's filters.
inbox-search-hint = A reference or part of one (9F2D), or a person's name, employee ID or email.
inbox-assigned = Who works on it
inbox-anyone = Anyone
inbox-mine = Me
inbox-unassigned = Nobody yet
inbox-any = Any
inbox-due = Due
inbox-overdue = Overdue
inbox-due-within = Within { $days } days
inbox-sort = Order
inbox-sort-created = Newest first
inbox-sort-deadline = Next deadline first
inbox-escalated = Escalated only
inbox-clear = Clear the filters
inbox-unread = New message
inbox-next-page = Next page
inbox-first-page = First page
inbox-none-match = No case matches these filters.
inbox-unreadable-filters = This address holds a filter that cannot be read, so no cases are listed. Choose the filters again below.
inbox-matching = { $count ->
    [one] One case matches
   *[other] { $total } cases match
}{ $parts ->
    [none] {""}
   *[other] : { $parts }
}
inbox-searched-nobody = No one in the directory is called “{ $q }”, and it is not shaped like a reference.
inbox-searched-people = The cases naming { $count ->
    [one] the one person
   *[other] any of the { $count } people
} the directory knows as “{ $q }”.
field-invalid-cursor = This page link no longer fits the filters. Start again from the first page.

case-party-could-be = The name she wrote fits these people in the directory. Pick the one she means, or search.
case-party-found = Found in the directory. Pick the one she means.
case-party-none-found = Nobody in the directory matches “{ $who }”. Try another spelling, the name in characters or in pinyin, an employee ID or an email.
case-party-pick = This is the person
case-party-search = Search the directory (a name in either script, an employee ID or an email)
case-party-search-submit = Search
case-party-outside = Outside the organisation
case-party-unidentified = Cannot be identified (the case stays with oversight)

# Oversight acting on what it sees.
oversight-escalated-cases = Escalated cases
oversight-raised = { $what } (raised { $when })
oversight-act-hint = From the case you can write to her, assign it or take it over, and reopen it.
oversight-open-to-act = Open the case to act
oversight-resolve-note = What was done (for the committee; at least a sentence)
oversight-resolve = Mark as dealt with
done-escalation-resolved = The escalation was marked dealt with. Your note is on the case's record.
field-nothing-escalated = Nothing of this case is escalated any more.
event-escalation-resolved = An escalation was dealt with
work-take-over = Take the case over
case-access-summary = { $count ->
    [one] once
   *[other] { $count } times
}, first { $first }, last { $last }

# Interim measures.
measure-no-contact = No contact with her
measure-separate-workplaces = Separate workplaces or teams
measure-leave-or-reassignment = Paid leave or reassignment of the person accused
measure-no-joint-travel = No travel together
measure-other = Something else
measure-decided = Decided
measure-changed = Changed
measure-ended = Ended
measure-from = From { $date }
measure-review-by = review by { $date }
measure-ended-at = ended { $when }
measures-heading = Interim measures
measures-lead = What is put in place to protect her while the case is handled. She sees each measure and the text written for her, never the reason for the record.
measures-her-heading = What was put in place to protect you
measures-none = No interim measure has been decided.
measure-kinds = Measures
measure-other-detail = What else (if "Something else")
measure-for-whom = For whom
measure-from-date = From
measure-review-date = Review by (optional)
measure-reason = Reason (for the record)
measure-for-reporter = What she is told
measure-decide = Decide these measures
measure-new = Decide an interim measure
measure-change-or-end = Change or end this measure
measure-change = Save the change
measure-end = End this measure
measure-told-her = Told her:
done-measure-decided = The interim measure was decided. She sees it and what you wrote for her.
done-measure-changed = The interim measure was changed. She sees what you wrote for her.
field-choose-measure = Choose at least one measure.
field-review-before-start = The review cannot come before the measure starts.
field-measure-ended = This measure has ended; decide a new one instead.
event-interim-measure = An interim measure was decided, changed or ended

# Structured outcomes.
case-outcome-substantiated = Substantiated
case-outcome-partly-substantiated = Partly substantiated
case-outcome-not-substantiated = Not substantiated
case-outcome-inconclusive = Inconclusive
case-outcome-referred = Referred elsewhere
case-outcome-withdrawn = Withdrawn by her
case-outcome-dismissed = Dismissed
sanction-no-sanction = No sanction
sanction-verbal-warning = Verbal warning
sanction-written-warning = Written warning
sanction-training = Training
sanction-reassignment = Reassignment
sanction-demotion = Demotion
sanction-suspension = Suspension
sanction-dismissal = Dismissal
sanction-other = Other (say which in the reason)
case-step-outcome = Outcome (for findings or closing)
case-step-outcome-hint = Findings: what the investigation found. Closing: as the findings found, or (where no sign-off is needed) referred elsewhere or withdrawn by her; a dismissal is its own step. She sees the outcome; leave it unchosen for any other step.
case-step-sanctions = Sanctions (for a decision)
case-step-sanctions-hint = Tick every sanction the decision imposes, or “No sanction” alone. She never sees the sanctions; leave them unticked for any other step.
case-history-outcome = Outcome: { $outcome }
case-history-sanctions = Sanctions: { $sanctions }
field-choose-outcome = Choose the outcome.
field-not-for-this-step = This step does not take this; leave it empty.
field-choose-sanctions = Tick the sanctions the decision imposes, or “No sanction”.
field-repeated-choice = A choice was sent twice.
field-no-sanction-alone = “No sanction” cannot go with another sanction.

# Related cases.
related-heading = Related cases
related-hint = Cases you may read that name the same person as this one, and cases linked to it. A case you may not read is never shown.
related-none = No related case you may read.
related-names = Both name { $name }
related-linked = Linked by { $by }, { $when }: { $reason }
related-link-open = Link another case
related-reference = Reference of the other case
related-reference-hint = The whole reference, for example OMB-7K3Q-9F2D.
related-reason = Why they belong together (both cases' readers see it; she never does)
related-link = Link the cases
done-cases-linked = The cases were linked. Readers of both see the link and your reason.
event-cases-linked = Linked to another case
field-unknown-case = No case you may read has this reference.
field-same-case = This is the case you are on; give the other case's reference.
field-already-linked = These cases are linked already.
oversight-repeat = People named in several cases
oversight-repeat-lead = People named as accused in three cases or more, counting only people confirmed (a single match, or someone a person identified). A person shows only to a member who may read every one of the cases: a count must never tell someone kept out of a case that it exists.
oversight-repeat-line = named as accused in { $count } cases, first { $first }, last { $last }
deadline-measure-review = Review an interim measure
deadline-measure-review-not-started = starts when the measure is decided
field-review-in-past = This day has passed; choose today or a later day.
field-review-moves-with-measure = A review date moves with its measure: change the measure, with a reason and a text for her.
field-sanction-without-finding = The findings did not find this substantiated: nobody is sanctioned for it. Choose “No sanction”.
done-sent-once = That form was sent twice (a double click or a resent page). It was acted on once, and nothing was done a second time: what it did is shown below.

## Accounts
event-staff-invited = Account invited
event-staff-joined = Joined from an invitation
event-staff-disabled = Account disabled
event-staff-linked = Account linked to a directory person
event-staff-enabled = Account enabled again
event-staff-reset = Account reset
event-password-chosen = New password chosen after a reset
event-staff-role-changed = Role changed
event-password-changed = Password changed
event-second-factor-set = Second factor set up
event-recovery-code-used = Signed in with a recovery code
event-sync-token-created = Directory-sync token made
event-sync-token-revoked = Directory-sync token revoked
staff-status-active = Active
staff-status-invited = Invited
staff-status-reset = Reset: waits for a new password
staff-status-disabled = Disabled
staff-role-handler = Handler
staff-role-oversight = Oversight
staff-role-admin = Administrator
error-link-not-valid = This link does not work
error-link-not-valid-body = The link was already used, has expired, or was not copied whole. Ask your administrator for a new one.
error-sign-in-throttled = Too many attempts
error-sign-in-throttled-body = Sign-in attempts failed too often. Wait a moment and try again.
field-account-exists = A staff account with this email address already exists.
field-not-yourself = You cannot do this to your own account.
field-not-disabled = This account is not disabled.
field-disabled = This account is disabled; enable it first.
field-wrong-password = This is not your current password.
sign-in-wait = Sign-in attempts failed too often. Try again in { $seconds ->
    [one] 1 second
   *[other] { $seconds } seconds
}.
welcome-title = Choose your password
welcome-heading = Welcome to Ombud
welcome-heading-reset = Choose a new password
welcome-account = This link is for the account of
welcome-explained = Choose a password only you know. It protects the cases you will read: nobody else, not even the administrator, can set or see it.
welcome-password = Password
welcome-password-again = The same password again
welcome-submit = Save the password and sign in
password-hint = At least 10 characters. A few unrelated words are easy to remember and hard to guess.
password-title = Change your password
password-heading = Change your password
password-explained = Your cases stay as they are: the key that opens them is sealed again under the new password.
password-current = Your current password
password-new = New password
password-submit = Change the password
password-changed = Your password was changed.
field-passwords-differ = The two passwords are not the same.
event-staff-added = Account added
event-staff-role-asked = Role asked: waits for oversight
event-staff-role-refused = Role refused by oversight
field-asked-by-you = Another oversight member must decide this: you asked for it, or it is your own account.
nav-admin-staff = Staff
nav-password = Password
admin-staff-title = Staff accounts
admin-staff-heading = Staff accounts
admin-staff-lead = Who has an account, in which role, and whether it is in use. Disabling ends her sessions and removes her keys to cases at once; what she did stays on the record. A reset lets her choose a new password from a link mailed to her. You never set or see anyone's password, and you read no case.
admin-staff-caption = Every staff account
admin-staff-name = Name
admin-staff-role = Role
admin-staff-status = Status
admin-staff-last-sign-in = Last sign-in
admin-staff-actions = Actions
admin-staff-never = Never
admin-staff-second-factor = Second factor
admin-staff-second-factor-on = Set up
admin-staff-second-factor-off = Not set up
admin-staff-second-factor-missing = Not set up yet (her role needs one: she sets it up at her next sign-in)
admin-staff-yourself = Your own account
admin-staff-employee-id = Employee ID in the directory
admin-staff-employee-id-hint = Leave empty to link her by her email address.
admin-staff-link = Link
admin-staff-linked-by-id = In the directory as { $id }
admin-staff-linked-by-email = In the directory by her email
admin-staff-unplaced = Not in the directory: the conflict rule cannot place her, and she is not disabled when she leaves
admin-staff-departed = Left the directory: her account is still enabled. Disable it, or link it to the right person.
admin-done-linked = The account’s link to the directory was changed; who may read which case was decided again.
admin-staff-awaiting = Waits for oversight's approval:
admin-staff-new-role = New role for
admin-staff-choose-role = Choose a role
admin-staff-set-role = Change the role
admin-staff-disable = Disable
admin-staff-enable = Enable again
admin-staff-reset = Reset the password
admin-invite-heading = Invite a person
admin-invite-lead = She receives a link by email to choose her own password. The link works once, for three days. The oversight role waits for an existing oversight member's approval.
admin-invite-lang = Language of her emails
admin-invite-submit = Send the invitation
admin-done-invited = The invitation was sent.
admin-done-awaiting = The invitation waits for an oversight member's approval; she receives her link once it is approved.
admin-done-disabled = The account is disabled: her sessions and keys to cases ended.
admin-done-enabled = The account is enabled again. Her cases come back as each is next opened by another reader.
admin-done-reset = The account was reset; a link to choose a new password was mailed to her.
admin-done-role = The role was changed; her sessions ended.
admin-done-role-awaiting = The role waits for an oversight member's approval; nothing changed yet.

# The second factor (TOTP) and recovery codes
second-factor-title = Two-step sign-in
second-factor-code-heading = Enter the code from your authenticator app
second-factor-code-explained = Your password was right. Open the authenticator app on your phone and type the six-digit code it shows for Ombud. If you have lost your phone, type one of your recovery codes instead.
second-factor-code = Code
second-factor-code-hint = Six digits, or a recovery code such as abcde-fghjk.
second-factor-submit = Sign in
second-factor-setup-heading = Set up your second factor
second-factor-setup-required = Your role needs a second factor: besides your password, a code from an authenticator app on your phone.
second-factor-setup-scan = Scan this QR code with an authenticator app (for example FreeOTP, Aegis, Google Authenticator or Microsoft Authenticator).
second-factor-qr-label = QR code to add Ombud to your authenticator app
second-factor-setup-secret = If you cannot scan it, type this key into the app instead (time-based, six digits):
second-factor-setup-code = Then type the six-digit code the app shows
second-factor-setup-submit = Confirm
second-factor-codes-heading = Your recovery codes
second-factor-done = Your second factor is set up.
second-factor-codes-explained = Each of these codes signs you in once if you lose your phone. Keep them somewhere safe, printed or in a password manager: they are shown only now.
second-factor-continue = Continue
second-factor-status-on = Your second factor is set up. Recovery codes left: { $count }.
second-factor-status-off = You have not set up a second factor.
second-factor-status-required = Your role needs one: set it up now.
second-factor-new = Set up a new second factor (it replaces the current one and its recovery codes)
second-factor-setup-first = Set up a second factor
second-factor-expired = This sign-in was not finished in time, or a code was wrong too often. Please sign in again.
nav-second-factor = Second factor
field-code-wrong = This code is not right, or was used already. Check that your phone's clock is right, wait for the next code and try again.
field-setup-expired = This setup has expired. A new key is shown below: add it to your app again.
error-second-factor-required = Code needed
error-second-factor-required-body = Your password was right. Send the code from your authenticator app (or a recovery code) as "totp".
error-second-factor-wrong = Wrong code
error-second-factor-wrong-body = The code is not right, or was used already. Wait for the next code and try again.
error-second-factor-not-set-up = Second factor not set up
error-second-factor-not-set-up-body = Your role needs a second factor. Sign in in the browser to set it up.

# The administrator's directory page and the configuration at a glance
nav-admin-directory = Directory
nav-admin-configuration = Configuration
admin-directory-title = Directory
admin-directory-heading = The organisation's directory
admin-directory-lead = The people of the organisation, with their managers and HR partners. Ombud reads it to keep a case away from the people it names and from their management. An identity provider keeps it current over SCIM with a token below, or you upload a file.
admin-directory-upload-heading = Upload a directory file
admin-directory-upload-lead = A CSV file with the columns employee_id, name, email, manager_id, unit, level, hr_partner_id (and, if you like, other_names, separated by semicolons). People are added or updated; the whole file is taken, or nothing of it, and every problem is named with its line.
admin-directory-file = Directory file (CSV, UTF-8)
admin-directory-upload-submit = Upload
admin-directory-problems = Nothing was imported. Correct these lines and upload the file again:
admin-directory-no-file = Choose a file to upload.
admin-directory-not-utf8 = The file is not UTF-8 text. Save it as "CSV UTF-8" and upload it again.
admin-directory-imported = The directory was updated: { $created } added, { $updated } changed, { $unchanged } unchanged.
admin-directory-imported-inactive = { $count } of the people in the file are inactive or removed in the directory: the file cannot bring them back, so they stay as the identity provider left them.
admin-directory-people-heading = People
admin-directory-search = Find a person
admin-directory-search-hint = A name as people write it (characters or pinyin, either order), an employee number, an email, or part of a unit.
admin-directory-search-submit = Search
admin-directory-more = Showing { $shown } of { $total }. Search to find the others.
admin-directory-empty = The directory is empty. Upload a file or connect an identity provider.
admin-directory-none-found = Nobody in the directory matches this search.
admin-directory-caption = People of the organisation
admin-directory-employee-id = Employee number
admin-directory-unit = Unit
admin-directory-level = Level
admin-directory-manager = Manager
admin-directory-hr-partner = HR partner
admin-directory-inactive = No longer active
admin-directory-tokens-heading = Directory-sync tokens
admin-directory-tokens-lead = An identity provider (Entra ID, Okta, Keycloak) sends the directory to /scim/v2 with one of these tokens. A token is shown once, when it is made; revoke it when the connection ends.
admin-directory-tokens-caption = Directory-sync tokens
admin-directory-token-label = What the token is for
admin-directory-token-created = Made
admin-directory-token-create = Make a token
admin-directory-token-created-notice = The token was made.
admin-directory-token-once = Copy this token into the identity provider now: it is shown only this once.
admin-directory-token-revoke = Revoke
admin-directory-token-revoked = The token was revoked: it no longer opens the directory.
admin-directory-token-revoked-at = Revoked
admin-configuration-title = Configuration
admin-configuration-heading = Configuration at a glance
admin-configuration-lead = What this instance runs with. It is changed in the configuration file by whoever runs the server, and takes effect when it restarts.
admin-configuration-deadlines = Deadlines and sign-in
admin-configuration-categories = Deadlines by category
admin-configuration-categories-caption = Each category's deadlines
admin-configuration-category = Category
admin-configuration-operations = Mail and the ledger
config-days = { $n ->
    [one] { $n } day
   *[other] { $n } days
}
config-hours = { $n ->
    [one] { $n } hour
   *[other] { $n } hours
}
config-months = { $n ->
    [one] { $n } month
   *[other] { $n } months
}
config-time-zone = The organisation's time zone
config-acknowledge = Acknowledge a report within
config-feedback = Feedback within, from acknowledgement
config-feedback-extension = Feedback deadline may be extended by
config-request-answer = Answer her requests within
config-routing = Oversight identifies an unmatched accused within
config-remind-before = Handlers are reminded before a deadline
config-pause-max = A handler may move a deadline alone by
config-second-factor = Roles that sign in with a second factor
config-triage = Triage within
config-interim = Interim measures decided within
config-nobody = None
config-not-set = Not set
config-mail-server = Mail server
config-mail-none = None: notices wait in the outbox until one is set
config-mail-from = Notices are sent from
config-public-url = Notices link to
config-ledger-origin = Ledger checkpoint origin
config-witness = Ledger witness file
config-witness-none = None: checkpoints are kept only in the database
import-problem-at-column = Line { $line }, { $column }: { $what }
import-problem-at-line = Line { $line }: { $what }
import-problem-required = a value is required
import-problem-invalid-email = not an email address
import-problem-not-a-number = not a whole number
import-problem-too-long = longer than 200 characters
import-problem-duplicate = the same value is on an earlier line
import-problem-unknown-person = names no one in this file or the directory
import-problem-own-manager = a person cannot be her own manager
import-problem-wrong-columns = the first line must name the columns employee_id, name, email, manager_id, unit, level, hr_partner_id (and may add other_names)
import-problem-too-many = more than 20 other names
import-problem-email-taken = another person in the directory has this email
import-problem-unreadable = the line cannot be read (a quote left open, or a different number of fields)

# Oversight watches the administrators
nav-oversight-accounts = Accounts
oversight-accounts-title = Accounts and administrators
oversight-accounts-heading = Accounts and administrators
oversight-accounts-lead = Who asked for which role, and everything the administrators did to accounts, newest first. The oversight role is given only with another member's approval; you cannot approve a role you asked for, or your own.
oversight-accounts-grants = Roles waiting for approval
oversight-accounts-grants-caption = Roles asked for, oldest first
oversight-accounts-no-grants = No role waits for approval.
oversight-accounts-asked = Asked by, when
oversight-accounts-approve = Approve
oversight-accounts-refuse = Refuse
oversight-accounts-approved = The role was approved.
oversight-accounts-refused = The role was refused.
oversight-accounts-log = Administrative log
oversight-accounts-log-caption = Administrative actions, newest first
oversight-accounts-no-log = No administrative action yet.
oversight-accounts-when = When
oversight-accounts-by = Who
oversight-accounts-what = What
oversight-accounts-subject = On whose account
oversight-accounts-detail = Detail
oversight-accounts-command-line = The command line (the server's operator)
second-factor-current-code = A code from your current authenticator
second-factor-current-code-hint = You are replacing the second factor you have: type a code it shows now (or one of its recovery codes). Then add the new key to your app and type its code below.
field-sent-twice = This setup was already confirmed, perhaps by sending the form twice. The recovery codes shown then are the ones that work.

## The organisation recovery key
nav-recovery = Recovery
recovery-title = Case recovery
recovery-heading = Case recovery: no case lost to a forgotten password
recovery-lead = Every case key is also locked to the organisation's recovery key. Nobody holds that key: it is split among oversight members, and only the required number of them, approving together, can rebuild it — for one operation, in memory, and then it is forgotten. Approving gives nobody the case: a recovered case goes only to the readers the conflict rules allow.
recovery-warning-not-enabled = Recovery is not enabled. A case whose only reader forgets her password can be lost for good until it is.
recovery-warning-holder-unusable = A holder of the recovery key has left the committee, was disabled or reset, and can no longer approve. Rotate the key with the holders who remain.
recovery-warning-holders-at-threshold = Only as many holders as the key needs can still approve: one more loss and no case could be recovered. Rotate the key with more holders.
recovery-state = State
recovery-threshold = Approvals needed / holders
recovery-cases-pending = Cases not yet locked to the recovery key (their readers do it as they work)
recovery-cases-not-rotated = Cases still locked only to an earlier recovery key
recovery-holders = Holders
recovery-holder-unusable = can no longer approve
recovery-operations = Waiting for approval
recovery-no-operations = No operation is waiting.
recovery-operations-caption = Operations that need the recovery key, and who has approved them
recovery-kind = What
recovery-case = Case
recovery-new-holders = New holders
recovery-approvals = Approvals
recovery-expires = Expires
recovery-you-approved = You approved
recovery-approve = Approve with my share
recovery-completion-hint = Once enough holders have approved, the operation is completed by the next page its initiator opens. Approvals expire after 72 hours.
recovery-recover-title = Recover a case
recovery-recover-lead = For a case no remaining reader can open (its reader was reset or disabled). The readers the conflict rules allow get the case key once the holders approve.
recovery-reference = Case reference (for example OMB-7K3Q-9F2D)
recovery-every = Instead, every case where a reader waits for access
recovery-ask = Ask the holders to approve
recovery-split-title = Change the holders
recovery-enable-title = Enable recovery
recovery-split-lead = Choose the oversight members who will hold a share. The configuration asks for { $threshold } approvals and { $shares } holders; at least { $threshold } are needed.
recovery-choose-holders = Holders
recovery-kind-enable = Enable
recovery-kind-recover = Recover
recovery-kind-resplit = Re-split
recovery-kind-rotate = Rotate
recovery-resplit-hint = new shares of the same key, for holders who are all still trusted
recovery-rotate-hint = a new key, when a holder leaves: every case is locked to it anew
recovery-enable = Enable recovery with these holders
recovery-every-waiting-case = Every case where a reader waits
recovery-approvals-count = { $count } of { $needed }
recovery-done-enabled = Recovery is enabled. Each holder's share is sealed to her own key; cases are being locked to the recovery key.
recovery-done-asked = The operation waits for the holders' approvals. They have been told by email, without any detail.
recovery-done-approved = Your approval is recorded. Once enough holders have approved, the operation is completed by the next page its initiator opens.
field-holder-unknown = One of the holders is not a staff member.
field-holder-not-oversight = Every holder must be an active oversight member.
field-holder-without-key = A holder has not chosen her password yet.
field-threshold-too-low = The recovery key needs at least two approvals.
field-too-few-holders = Choose at least as many holders as the approvals the key needs.
field-too-many-holders = At most 64 holders.
field-recovery-enabled-already = Recovery is already enabled.
field-recovery-not-enabled = Recovery is not enabled yet.
field-case-unknown = No case you may read has this reference.
field-case-without-recovery-wrap = This case is not locked to the recovery key yet, so it cannot be recovered.
field-not-a-holder = You do not hold a share of this recovery key.
field-share-void = Your share was sealed to the key you had before your password was reset, and opens no more. The others must rotate the key.
field-choose-recovery-kind = Choose what to do.
field-choose-recovery-case = Type a case reference, or tick “every case where a reader waits”.
event-recovery-enabled = Recovery enabled
event-recovery-asked = Recovery operation asked for
event-recovery-approved = Recovery operation approved
event-recovery-done = Recovery operation completed
event-case-recovered = Case recovered with the recovery key
email-recovery-holders-subject = Ombud: the holders of the recovery key changed
email-recovery-holders-body =
    A holder of the organisation's recovery key can no longer approve (she left the committee, or her account was disabled or reset).

    Please sign in and rotate the key with the holders who remain: { $link }
email-recovery-approval-subject = Ombud: a recovery operation waits for your approval
email-recovery-approval-body =
    An oversight member asked for an operation that needs the recovery key. It waits for the holders' approval, for 72 hours.

    Sign in to see it: { $link }
email-second-factor-set-subject = Ombud: your second factor was set up
email-second-factor-set-body =
    A second factor (an authenticator app) was just set up or replaced for your Ombud account, with new recovery codes.

    If this was not you, tell your administrator at once. Sign in here: { $link }
email-recovery-code-used-subject = Ombud: one of your recovery codes was used
email-recovery-code-used-body =
    One of your Ombud recovery codes was just used to sign in. Each code works once.

    If this was not you, tell your administrator at once. Sign in here: { $link }
field-out-of-range = This date is too far in the future.
config-recovery = The recovery key (oversight enables it and names its holders)
config-recovery-split = { $threshold } approvals of { $shares } holders
admin-recovery-not-enabled = Recovery is not enabled: a case whose only reader forgets her password can be lost for good. Only oversight members can enable it, on their Recovery page.
admin-recovery-holder-unusable = A holder of the recovery key can no longer approve (disabled, reset or no longer on the committee). Oversight has been told and should rotate the key.
admin-recovery-holders-at-threshold = Only as many recovery key holders as it needs can still approve: disabling or resetting one more oversight member would leave cases unrecoverable.
admin-recovery-holders-below-threshold = Fewer recovery key holders than it needs can approve: no case can be recovered now. Enable a disabled holder again, or let the remaining holders set the key up anew.
recovery-warning-holders-below-threshold = Fewer holders than the key needs can still approve: no case can be recovered now, and the key cannot be rotated. Ask the administrator to enable a disabled holder again.
recovery-cases-waiting = Cases where a reader waits for access (what a recovery can give back)
recovery-completed = Completed recently
recovery-completed-recover = recovered: { $cases ->
    [one] 1 case
   *[other] { $cases } cases
}
recovery-operation-gone = This operation is no longer waiting: it was completed, replaced by a rotation, or it expired.
field-recovery-asked-already = This already waits for approvals; approve the waiting one instead.
field-too-few-usable-holders = Fewer holders than the key needs can approve now, so this could never be completed.
field-choose-one-recovery-case = Either type a case reference or tick “every case where a reader waits”, not both.

## After she speaks up: retaliation reviews of HR actions (issue 17)
nav-retaliation = Retaliation reviews
event-hr-token-created = HR system token created
event-hr-token-revoked = HR system token revoked
event-hr-action-received = HR action received and held
event-hr-action-justified = HR action justified by its decision-maker
event-hr-review-taken-up = HR action taken up for review
event-hr-review-decided = HR action decided
event-hr-action-concluded = HR action's review period ended
email-justification-subject = Ombud: please justify a decision in writing
email-justification-body =
    A decision you took about a colleague was announced to Ombud, the organisation's speak-up service. Before it takes effect, please justify it in writing at this one-time link: { $link }

    The link works once, until the review period ends.
field-unknown-action = Not a known kind of action: dismissal, demotion, transfer, pay_change, negative_review, discipline, non_renewal, contract_change, medical_referral or other.
field-invalid = This value holds a character that is not allowed.
field-review-closed = This review is closed: it was decided already, or its period ended.
field-answer-every-question = Answer every question, yes or no.
answer-yes = Yes
answer-no = No
hr-action-dismissal = Dismissal
hr-action-demotion = Demotion
hr-action-transfer = Transfer
hr-action-pay-change = Change of pay
hr-action-negative-review = Negative appraisal
hr-action-discipline = Disciplinary measure
hr-action-non-renewal = Contract not renewed
hr-action-contract-change = Change of contract
hr-action-medical-referral = Medical referral
hr-action-other = Other adverse action
hr-status-held = Held
hr-status-upheld = Upheld: it may go ahead
hr-status-overturned = Overturned: it may not go ahead
hr-status-modified = Modified
hr-status-cleared = Cleared (an exempt kind)
review-decision-upheld = Upheld: the action may go ahead
review-decision-overturned = Overturned: the action may not go ahead
review-decision-modified = Modified: it may go ahead only as the reasons say
protection-reporter = Reported misconduct
protection-witness = Named as a witness
protection-named = Named in a report
protection-supporter = Supported a report
protection-added = Added by oversight
retaliation-title = Retaliation reviews
retaliation-heading = Retaliation reviews
retaliation-lead = Every adverse action the HR system announces is held for its review period, whoever it concerns. An action concerning someone protected, or on the ground of a disclosure, needs your decision before the period ends: without one it is overturned. Others are upheld unless a reviewer takes them up. The HR system learns the outcome only when the period ends, and never why.
retaliation-open = Held, waiting for review
retaliation-open-caption = Held actions, the review due first
retaliation-none-open = No action waits for review.
retaliation-closed = Decided or ended
retaliation-closed-caption = Actions decided or whose period ended
retaliation-action = Action
retaliation-person = Concerns
retaliation-decider = Decided by
retaliation-due = Review due
retaliation-period-end = Period ends
retaliation-received = Received
retaliation-needs = Decision
retaliation-needs-decision = Needs your decision
retaliation-upheld-unless = Upheld unless taken up
retaliation-protected = protected
retaliation-outcome = Outcome
retaliation-back = All retaliation reviews
retaliation-review-title = Retaliation review
retaliation-review-heading = Review: { $action }
retaliation-effective = Takes effect
retaliation-hr-status = What the HR system reads now
retaliation-repeat = Same decision-maker
retaliation-repeat-count = { $count } other held action(s) in the past year
retaliation-ground = Ground given
retaliation-ground-disclosure = The ground is a disclosure: answer the Directive's conditions below, whoever the person is.
retaliation-protected-title = Why the person is protected
retaliation-not-protected = Not protected by any case or record Ombud holds.
retaliation-justification = The decision-maker's justification
retaliation-justification-waiting = Asked by email; no justification yet. The burden of proof is the employer's.
retaliation-justification-unreachable = The decision-maker is not in the directory, so he could not be asked. The burden of proof is the employer's.
retaliation-decision = Decision
retaliation-decided-by = Decided by
retaliation-decided-at = Decided at
retaliation-disclosure-protected = Was the disclosure protected?
retaliation-decision-waits = The HR system reads this decision when the period ends, without its reasons.
retaliation-take-up-title = Take it up
retaliation-take-up-lead = Nobody is required to decide this action: it is upheld when its period ends. Take it up to decide it yourself.
retaliation-take-up = Take up this review
retaliation-decide-title = Decide
retaliation-decide-lead = Nothing is chosen for you. The person it concerns is protected by law from retaliation, and the employer must show the action is not one.
retaliation-questions = Was the disclosure protected? (EU Directive 2019/1937, Art. 6 and 15)
retaliation-question-believed_true = Had the person reasonable grounds to believe the information was true when sharing it?
retaliation-question-reported_first = Was it reported internally or externally first, with no appropriate action in the time allowed?
retaliation-question-public_danger = Could the breach be an imminent or manifest danger to the public interest?
retaliation-question-retaliation_risk = Was there a risk of retaliation, or little prospect of the breach being addressed, had it been reported externally?
retaliation-reasons = Reasons
retaliation-reasons-hint = At least a sentence. For a modified action, say exactly how it may go ahead.
retaliation-decide = Record the decision
retaliation-done-decided = Decision recorded. The HR system reads it when the period ends.
retaliation-done-taken-up = You took up this review: it now needs a decision before the period ends.
retaliation-state-open = Open
justify-title = Justify a decision
justify-heading = Justify your decision in writing
justify-lead = The organisation's speak-up service holds adverse actions for review before they take effect. Please explain, in writing, the reasons for this action and the facts it rests on. An independent reviewer reads it; the burden of proof is the employer's.
justify-received = Announced
justify-until = Review period ends
justify-label = Your justification
justify-hint = At least a sentence. Write the facts and reasons; it cannot be changed once sent.
justify-submit = Send the justification
justify-done = Thank you
justify-done-body = Your justification was received and sealed for the reviewers. This link no longer works.
justify-link-not-valid-body = The link is wrong, was used already, or the review period ended.
field-wrong-hr-columns = The header must name the columns employee_id,action,effective,decided_by,ground.
field-too-many-lines = More than 10,000 actions in one file.
event-check-in-answered = You answered a check-in
event-retaliation-reported = You reported something that happened since
field-check-in-not-due = This check-in is not due, or was answered already.
field-choose-decision = Choose upheld, overturned or modified.
her-after-heading = After you reported
her-check-in-question = Has anything changed for you at work since your case closed?
her-check-in-hint = A change of role, pay, hours, appraisal, how colleagues or managers treat you — anything. You are protected from retaliation.
her-check-in-yes = Yes, something changed
her-check-in-no = No, nothing changed
her-check-in-thanks = Thank you. You can always tell us if something happens later.
her-review-upheld = A decision about you at work ({ $action }) was reviewed independently by the oversight committee. It may go ahead. ({ $when })
her-review-overturned = A decision about you at work ({ $action }) was reviewed independently by the oversight committee. It may not go ahead. ({ $when })
her-review-modified = A decision about you at work ({ $action }) was reviewed independently by the oversight committee. It may go ahead only in a changed form. ({ $when })
her-follow-up = You reported something that happened since: { $reference } ({ $when }). Its own receipt opens it.
her-something-happened-lead = If you were treated badly because you reported — dismissed, moved, passed over, threatened, sued — tell us. It is reported as retaliation, linked to this case, and kept away from the people you reported and anyone you name.
her-something-happened = Something has happened to me since I reported
her-retaliation-title = Something has happened since you reported
her-retaliation-heading = Something has happened since I reported
her-retaliation-lead = What you write here becomes a new report of retaliation, linked to your case. It is kept away from the people you reported and from whoever you name below. You will get a new receipt for it.
her-retaliation-what = What happened?
her-retaliation-what-hint = When, where, who was involved and what was said or done. Nothing you write is lost if something needs correcting.
her-retaliation-who = Who did it? (optional)
her-retaliation-who-hint = A name as you would write it, with a job title if you like.
her-retaliation-submit = Report it
her-back-to-case = Back to your case
config-retaliation-review = Adverse HR actions held for review
config-retaliation-protection = Protection after a case closes
config-retaliation-check-ins = Check-ins after closure
config-retaliation-exempt = HR action kinds never held
config-retaliation-exempt-warning = { $kinds } — an exempt kind cannot protect anyone: it is cleared at once, whoever it concerns.
event-support-added = A supporter added a statement
event-support-message = A message in a supporter's thread
support-title = Support a colleague's report
support-heading = Support a colleague's report
support-lead = If a colleague shared her case reference with you, you can add what you saw or know to her case. Only the people handling it read it, and the rules that keep a case away from anyone involved run again on you: your own manager never sees it.
support-safe-reference = Sharing a case reference is safe: it says nothing about the case or who made it.
support-no-tracking = Ombud's pages carry no tracking, no watermarks and no identifiers: nothing on this page can be traced back to you or to whoever shared it.
support-protected = Once you add a statement, you are protected from retaliation as the reporter is: any adverse action against you at work is held for an independent review.
support-reference = The case reference
support-reference-hint = As she shared it, e.g. OMB-7K3Q-9F2D. Spaces and lower case do not matter.
support-statement = What you saw or know
support-statement-hint = When, where, who was there, what was said or done. Only what you know yourself.
support-name = Your name
support-name-hint = Sealed for the case's handlers only. Never shown to anyone you name.
support-email = Your email (optional)
support-phone = Your phone (optional)
support-submit = Add my statement
support-follow-up-link = Already added a statement? Follow it up with your receipt
support-receipt-title = Your statement was added
support-receipt-heading = Your statement was added
support-receipt-lead = Keep this receipt: it is the only way back to your statement and to the handlers' questions.
support-receipt-case = Added to the case
support-receipt-opens = It opens your statement and your own conversation with the handlers, never the case itself.
support-follow-up-title = Your statement
support-follow-up-heading = Follow up on your statement
support-follow-up-lead = Enter the receipt you were given when you added your statement.
support-follow-up-submit = Open my statement
support-statement-title = Your statement
support-statement-heading = Your statement
support-statement-case = Added to case
support-thread = Your conversation with the handlers
support-thread-empty = No message yet. The handlers may write to you here.
support-write = Write to the handlers
support-reply-send = Send
support-reply-label = Write to her
support-from-you = You
support-from-her = The supporter
support-sign-out = Close my statement on this device
support-staff-heading = Statements in support
support-staff-lead = Added by colleagues who knew the case's reference. Each supporter is protected from retaliation; write to her here.
landing-support-link = A colleague shared her case reference with you? Add what you saw or know
proceeding-lawsuit = A lawsuit against a person the case protects
proceeding-complaint = A complaint against a person the case protects
field-choose-proceeding-kind = Choose a lawsuit or a complaint.
field-choose-person = Choose a person the report names (not the one who brought the proceedings).
protected-heading = Protected from retaliation
protected-until = until { $when }
protected-while-open = while the case is open, and { $months } months after it closes
protected-unnamed = (no name given)
field-tell-what-happened = Tell us what happened: a “yes” is answered with your account of it.
field-support-case-unknown = No case has this reference. Check it with the person who shared it.
support-from-handlers = The handling team
support-session-ended = Your statement was closed on this device. Enter your receipt to open it again; what you were writing was not sent.
email-check-in-subject = Ombud: a question waits for you
email-check-in-body =
    A question waits for you on your page: { $link }

    Sign in with your receipt to read it. You asked for this email; you can stop these emails on the same page.
her-reminders-label = Email me when a question waits here (optional)
her-reminders-hint = The email says only that a question waits on your page, never anything about your report. Ombud keeps the address sealed, uses it for nothing else, and deletes it after the last check-in or as soon as you stop.
her-reminders-ask = Email me
her-reminders-on = We will email { $email } when a question waits here.
her-reminders-stop = Stop these emails and delete my address
her-reminders-asked = Done: we will email you when a question waits here.
her-reminders-stopped = Done: no more emails, and your address is deleted.
field-no-check-ins-ahead = No check-in is ahead for this case, so there is nothing to email you about.
field-no-mail-here = This service does not send email, so it cannot remind you. Your page will still ask.
field-choose-protection-basis = Choose why this person is protected.
field-person-not-in-directory = Nobody in the directory goes by this. Try the name in the other script, the employee id or the work email.
field-person-is-accused = This is a person the case accuses: the case cannot protect him.
event-protection-added = Someone was protected from retaliation by hand
protected-nobody = Nobody is protected through this case yet.
protected-added-by = Added by { $who } on { $when }: { $reason }
protect-heading = Protect someone
protect-hint = For a reporter whose identity became known later, or a colleague who helped. Every person in the directory these words may mean is protected; the case's accused never is.
protect-person = Who (a name in either script, an employee id or a work email)
protect-basis = Why
protect-basis-reporter = She is the reporter, now identified
protect-basis-added = Someone else this case should protect
protect-reason = The reason, for the record
protect-submit = Protect
proceeding-against-reporter = The reporter
counter-heading = Proceedings against someone this case protects
counter-hint = A lawsuit or complaint a person named in the report brought against its reporter or a witness opens a retaliation review, decided outside his chain.
counter-brought-by = Brought by
counter-against = Against
counter-kind = What
counter-kind-lawsuit = A lawsuit
counter-kind-complaint = A complaint
counter-date = Brought on
counter-detail = What they claim, and what is known of them
counter-submit = Record and open a review
done-protection-added = Protected. Any adverse action against this person is now held for review.
done-counter-proceeding-recorded = Recorded. A retaliation review is open for oversight.
support-sent-once = Your statement was already received
support-sent-once-body = The same form was sent again, for example by pressing the button twice. Your statement was added the first time, and nothing was added twice. For your safety its receipt was shown only once: if you did not keep it, you may add a new statement and say that it repeats an earlier one.
done-support-replied = Your message was sent to the supporter. She reads it with her receipt.
retaliation-justification-no-mail = This service sends no email, so the decision-maker could not be asked. Ask him directly. The burden of proof is the employer's.
field-person-whole-name = Only a surname matched, which many people share. Write the whole name, the employee id or the work email.
field-person-ambiguous = Several people in the directory have this name. The reporter is one of them: give her employee id or work email.
field-protection-ended = This case closed longer ago than its protection lasts, so it can protect nobody now.
her-sent-once = That was sent twice (a double click or a resent page). It was received once, and nothing was done twice: what it did is on this page.
protected-unreadable = Who this case protects could not be read just now. Reload the page; if it persists, tell the administrator.
protected-the-reporter = The reporter
field-date-in-future = This date is still to come: give the day they were brought.
retaliation-brought-on = Brought on
retaliation-brought-by = Brought by
retaliation-justification-proceeding = Proceedings are not justified by their author here: weigh what is known of them, and the timing.
admin-directory-unplaced-heading = Who the organisation chart cannot place
admin-directory-unplaced-staff = These staff accounts match nobody in the directory, by the employee ID recorded on them or by email. The conflict rule cannot tell whose chain they belong to, and the identity provider cannot disable them when they leave. Add them to the directory, or link each account to her employee ID on the staff page.
admin-directory-departed-staff = These staff accounts are still enabled, but the person the directory links them to has left (inactive or deleted). The identity provider will not say so again: disable them on the staff page, or link each to the right person.
admin-directory-without-number = The identity provider sent these people without an employee number. Ombud finds them by their userName or externalId; an HR system or a report that names them by number will not find them until it arrives.

// Every command the app can send: which service, which path, who may (the services' "who may do what",
// so that what a role may not do is not offered), and its form. Bodies are exactly the services' commands.
"use strict";

const ROLES = {
  mediators: ["city_admin", "township_officer", "station_officer"],
  mediationAtVillage: ["city_admin", "township_officer", "station_officer", "village_cadre"],
  station: ["city_admin", "station_officer"],
  anyWriter: ["city_admin", "township_officer", "station_officer", "village_cadre"],
  leadClockExtenders: ["city_admin", "township_officer", "station_officer"],
};

// The services' role ladder (govgrid.auth.Role's order): an extension is approved only by a role above
// the clock's owner (`outranks`), so the button is offered only to those.
const ROLE_LADDER = ["city_admin", "township_officer", "station_officer", "village_cadre", "viewer"];
const outranks = (role, owner) => owner != null && ROLE_LADDER.indexOf(role) < ROLE_LADDER.indexOf(owner);

const ENUMS = {
  disputeSource: ["walk_in", "patrol", "referral"],
  disputeCategory: ["neighbour", "land_or_house", "family", "debt", "labour", "other"],
  partyRole: ["claimant", "respondent", "third_party"],
  escalateTo: ["township", "court"],
  closeOutcome: ["resolved", "referred_to_court", "withdrawn"],
  satisfaction: ["satisfied", "partly_satisfied", "dissatisfied"],
  observation: ["safety_hazard", "suspicious_activity", "dispute_spotted"],
  affiliation: ["fisherman", "sanitation_worker", "community_party_member", "other"],
  channel: ["in_person", "hotline", "wechat_group", "joint_defence_director", "app"],
  leadCategory: ["fugitive", "drugs", "fraud", "theft", "safety_hazard", "dispute", "other"],
  priority: ["urgent", "high", "normal", "low"],
  dismissal: ["unfounded", "duplicate", "insufficient_information", "not_a_police_matter", "other"],
  leadOutcome: ["fugitive_arrested", "case_opened", "hazard_removed", "referred_to_mediation"],
  visitKind: ["safety_inspection", "anti_terror_drill", "case_follow_up", "service_visit"],
  caseCategory: ["theft", "fraud", "obstruction_of_business", "extortion", "property_damage", "labour_dispute", "other"],
  caseOutcome: ["solved", "settled", "transferred", "no_offence"],
  referralOutcome: ["hired", "not_hired"],
  notHired: ["declined_by_candidate", "position_filled", "requirements_not_met", "other"],
  pauseReason: ["waiting_for_party", "holiday", "other"],
  groupKind: ["police_resident", "village_safety"],
};

const f = (name, type, extra = {}) => ({ name, type, required: true, ...extra });
const optional = (name, type, extra = {}) => ({ name, type, required: false, ...extra });
// A moment left blank with `stamp` is sent as the moment the button was pressed: a command queued
// offline and sent hours later still carries when it was done (a past one is typed in).

// A record's deadline clock commands (govgrid/service/clocks.py declares them for leads and disputes):
// the same four forms for both, on `{records}/{id}/clocks/{stage}/...`. They are reached from a clock
// on My work (the record's id and the clock's stage and owner come with it), and `clock` marks them: their
// answer is the record's clocks, not the record, so the record kept on the phone is left as it is.
// A lead's free text could repeat its informant: the hint says not to. Their moment, left blank, is the
// moment the button was pressed, to the second: a clock's last change (a lead received or triaged a
// moment ago) is to the second too, and the form's minutes would date the command before it.
function clockActions(kind, service, records, writers, extenders) {
  const on = (id, clock) => `/${records}/${id}/clocks/${clock.stage}`;
  const note = kind === "lead" ? { hint: "clock.lead.hint" } : {};
  return [
    { id: `${kind}.clock.pause`, label: "clock.pause", service, kind, clock: true, roles: writers,
      path: (id, clock) => `${on(id, clock)}/pause`,
      fields: [f("reason", "select", { options: "pauseReason" }), optional("note", "textarea", note), optional("paused_at", "datetime", { stamp: true })] },
    { id: `${kind}.clock.resume`, label: "clock.resume", service, kind, clock: true, roles: writers,
      path: (id, clock) => `${on(id, clock)}/resume`, fields: [optional("resumed_at", "datetime", { stamp: true })] },
    { id: `${kind}.clock.extend`, label: "clock.extend", service, kind, clock: true, roles: extenders, aboveOwner: true,
      path: (id, clock) => `${on(id, clock)}/extend`,
      fields: [f("working_days", "int"), f("reason", "textarea", note), optional("extended_at", "datetime", { stamp: true })] },
    { id: `${kind}.clock.carryover`, label: "clock.carryover", service, kind, clock: true, roles: writers,
      path: (id, clock) => `${on(id, clock)}/carry-over`,
      fields: [f("reason", "textarea", note), optional("carried_over_at", "datetime", { stamp: true })] },
  ];
}

const ACTION_LIST = [
  // ------------------------------------------------------------ mediation
  { id: "dispute.register", service: "mediation", kind: "dispute", roles: ROLES.mediationAtVillage,
    path: () => "/disputes", creates: { idField: "dispute_id" },
    fields: [f("source", "select", { options: "disputeSource" }), f("village_code", "code"),
      optional("grid_code", "code"), f("category", "select", { options: "disputeCategory" }),
      f("parties", "parties"), optional("running_since", "date", { blank: true }), f("description", "textarea"),
      f("registered_on", "date")] },
  { id: "dispute.parties", service: "mediation", kind: "dispute", roles: ROLES.mediationAtVillage,
    path: (id) => `/disputes/${id}/parties`, fields: [f("parties", "parties", { adding: true }), f("added_on", "date")] },
  { id: "dispute.mediators", service: "mediation", kind: "dispute", roles: ROLES.mediators,
    path: (id) => `/disputes/${id}/mediators`, suggest: true,
    fields: [f("officer_person_id", "code"), f("cadre_person_id", "code"), f("assigned_on", "date")] },
  { id: "dispute.session", service: "mediation", kind: "dispute", roles: ROLES.mediationAtVillage,
    path: (id) => `/disputes/${id}/sessions`,
    fields: [f("held_on", "date"), f("parties_present", "list"), f("officials_present", "list"),
      optional("others_present", "int"), f("summary", "textarea")] },
  { id: "dispute.agreement", service: "mediation", kind: "dispute", roles: ROLES.mediators,
    path: (id) => `/disputes/${id}/agreement`, fields: [f("reached_on", "date"), f("terms", "textarea")] },
  { id: "dispute.failure", service: "mediation", kind: "dispute", roles: ROLES.mediators,
    path: (id) => `/disputes/${id}/failure`, fields: [f("failed_on", "date"), f("reason", "textarea")] },
  { id: "dispute.escalate", service: "mediation", kind: "dispute", roles: ROLES.mediators,
    path: (id) => `/disputes/${id}/escalate`,
    fields: [f("to_level", "select", { options: "escalateTo" }), f("escalated_on", "date"), optional("note", "textarea")] },
  { id: "dispute.followup", service: "mediation", kind: "dispute", roles: ROLES.mediators,
    path: (id) => `/disputes/${id}/follow-ups`,
    fields: [f("visited_on", "date"), f("agreement_holds", "bool"), f("satisfaction", "satisfaction"), optional("note", "textarea")] },
  { id: "dispute.close", service: "mediation", kind: "dispute", roles: ROLES.mediators,
    path: (id) => `/disputes/${id}/close`,
    fields: [f("outcome", "select", { options: "closeOutcome" }), f("closed_on", "date"), optional("note", "textarea")] },
  ...clockActions("dispute", "mediation", "disputes", ROLES.mediators, ROLES.mediators),
  // ------------------------------------------------------------ patrols
  { id: "team.form", service: "patrols", kind: "team", roles: ROLES.station, path: () => "/teams",
    creates: { idField: "team_id" }, fields: [f("station_code", "code"), f("name", "text"), f("formed_on", "date")] },
  { id: "team.officer", service: "patrols", kind: "team", roles: ROLES.station, path: (id) => `/teams/${id}/members`,
    fields: [f("person_id", "code"), f("joined_on", "date")],
    shape: (v) => ({ member: { kind: "officer", person_id: v.person_id }, joined_on: v.joined_on }),
    unshape: (b) => ({ person_id: b.member.person_id, joined_on: b.joined_on }) },
  { id: "team.volunteer", service: "patrols", kind: "team", roles: ROLES.station, path: (id) => `/teams/${id}/members`,
    fields: [f("volunteer_id", "code"), f("affiliation", "select", { options: "affiliation" }), optional("party_member", "bool"), f("joined_on", "date")],
    shape: (v) => ({ member: { kind: "volunteer", volunteer_id: v.volunteer_id, affiliation: v.affiliation,
      party_member: Boolean(v.party_member) }, joined_on: v.joined_on }),
    unshape: (b) => ({ ...b.member, joined_on: b.joined_on }) },
  { id: "patrol.schedule", service: "patrols", kind: "patrol", roles: ROLES.station, path: () => "/patrols",
    creates: { idField: "patrol_id" }, on: "team", fill: (team) => ({ team_id: team.id }),
    fields: [f("team_id", "code"), f("planned_start", "datetime"), f("planned_end", "datetime", { hoursLater: 2 }), optional("note", "text")] },
  { id: "patrol.start", service: "patrols", kind: "patrol", roles: ROLES.station, path: (id) => `/patrols/${id}/start`,
    fields: [f("started_at", "datetime"), f("participant_ids", "list")],
    // Online, the team's current members are proposed as the participants.
    fetchFill: async (patrol) => {
      const team = await read("patrols", `/teams/${(await read("patrols", `/patrols/${patrol.id}`)).team_id}`);
      const current = team.memberships.filter((m) => !m.left_on).map((m) => m.member.person_id || m.member.volunteer_id);
      return { participant_ids: current };
    } },
  { id: "patrol.checkpoint", service: "patrols", kind: "patrol", roles: ROLES.station, path: (id) => `/patrols/${id}/checkpoints`,
    fields: [f("grid_code", "code"), f("visited_at", "datetime"), optional("location", "location")],
    shape: (v) => ({ grid_code: v.grid_code, visited_at: v.visited_at,
      ...(v.location ? { latitude: v.location.latitude, longitude: v.location.longitude } : {}) }),
    unshape: (b) => ({ ...b, location: b.latitude != null ? { latitude: b.latitude, longitude: b.longitude } : undefined }) },
  { id: "patrol.observation", service: "patrols", kind: "patrol", roles: ROLES.station, path: (id) => `/patrols/${id}/observations`,
    fields: [f("category", "select", { options: "observation" }), f("note", "textarea"), f("observed_at", "datetime"), optional("grid_code", "code")] },
  { id: "patrol.complete", service: "patrols", kind: "patrol", roles: ROLES.station, path: (id) => `/patrols/${id}/complete`,
    fields: [f("completed_at", "datetime"), f("distance_km", "number")] },
  { id: "patrol.abort", service: "patrols", kind: "patrol", roles: ROLES.station, path: (id) => `/patrols/${id}/abort`,
    fields: [f("aborted_at", "datetime"), f("reason", "textarea")] },
  { id: "clearance.plan", service: "patrols", kind: "clearance", roles: ROLES.station, path: () => "/clearance-operations",
    creates: { idField: "operation_id" },
    fields: [f("station_code", "code"), f("focus", "text"), f("planned_on", "date"), f("area_codes", "list")] },
  { id: "clearance.carryout", service: "patrols", kind: "clearance", roles: ROLES.station,
    path: (id) => `/clearance-operations/${id}/carry-out`,
    fields: [f("carried_out_on", "date"), f("places_checked", "int"), f("people_checked", "int"),
      f("officers_deployed", "int"), f("volunteers_deployed", "int")],
    shape: (v) => ({ ...v, findings: [] }), unshape: (b) => b },
  { id: "clearance.close", service: "patrols", kind: "clearance", roles: ROLES.station,
    path: (id) => `/clearance-operations/${id}/close`, fields: [f("closed_on", "date"), optional("summary", "textarea")] },
  { id: "clearance.cancel", service: "patrols", kind: "clearance", roles: ROLES.station,
    path: (id) => `/clearance-operations/${id}/cancel`, fields: [f("cancelled_on", "date"), f("reason", "textarea")] },
  // ------------------------------------------------------------ leads
  { id: "lead.submit", service: "tips", kind: "lead", roles: ROLES.anyWriter, path: () => "/leads",
    creates: { idField: "lead_id" },
    fields: [f("channel", "select", { options: "channel" }), f("category", "select", { options: "leadCategory" }),
      f("place_code", "code"), optional("informant_contact", "secret"), f("description", "textarea"), optional("received_at", "datetime")] },
  { id: "lead.triage", service: "tips", kind: "lead", roles: ROLES.station, path: (id) => `/leads/${id}/triage`,
    fields: [f("priority", "select", { options: "priority" }), optional("triaged_at", "datetime", { stamp: true })] },
  { id: "lead.assign", service: "tips", kind: "lead", roles: ROLES.station, path: (id) => `/leads/${id}/assign`,
    fields: [f("officer_person_id", "code"), optional("assigned_at", "datetime", { stamp: true })] },
  { id: "lead.verify", service: "tips", kind: "lead", roles: ROLES.station, path: (id) => `/leads/${id}/verify`,
    fields: [f("verified_on", "date")] },
  { id: "lead.dismiss", service: "tips", kind: "lead", roles: ROLES.station, path: (id) => `/leads/${id}/dismiss`,
    fields: [f("reason", "select", { options: "dismissal" }), f("dismissed_on", "date")] },
  { id: "lead.outcome", service: "tips", kind: "lead", roles: ROLES.station, path: (id) => `/leads/${id}/outcomes`,
    fields: [f("outcome", "select", { options: "leadOutcome" }), f("outcome_on", "date"), optional("case_number", "code"),
      optional("dispute_category", "select", { options: "disputeCategory", blank: true }), optional("summary", "textarea")] },
  { id: "lead.close", service: "tips", kind: "lead", roles: ROLES.station, path: (id) => `/leads/${id}/close`,
    fields: [f("closed_on", "date")] },
  ...clockActions("lead", "tips", "leads", ROLES.station, ROLES.leadClockExtenders),
  { id: "group.register", service: "tips", kind: "group", roles: ROLES.anyWriter, path: () => "/contact-groups",
    creates: { idField: "group_id" },
    fields: [f("group_id", "code"), f("village_code", "code"), f("kind", "select", { options: "groupKind" }),
      f("name", "text"), f("registered_on", "date")] },
  // ------------------------------------------------------------ outreach
  { id: "drive.launch", service: "outreach", kind: "drive", roles: ROLES.station, path: () => "/registration-drives",
    creates: { idField: "drive_id" },
    fields: [f("station_code", "code"), f("title", "text"), f("period_start", "date"), f("period_end", "date"),
      f("target_school_codes", "list"), f("launched_on", "date")] },
  { id: "drive.targets", service: "outreach", kind: "drive", roles: ROLES.station, path: (id) => `/registration-drives/${id}/targets`,
    fields: [f("school_codes", "list"), f("added_on", "date")] },
  { id: "school.visit", service: "outreach", kind: "drive", roles: ROLES.station, path: (id) => `/registration-drives/${id}/visits`,
    fields: [f("school_code", "code"), f("visited_on", "date"), f("students_processed", "int"), f("id_cards", "int"), f("household_changes", "int")] },
  { id: "enterprise.visit", service: "outreach", kind: "visit", roles: ROLES.station, path: () => "/enterprise-visits",
    creates: { idField: "visit_id" },
    fields: [f("enterprise_code", "code"), f("officer_person_id", "code"), f("kind", "select", { options: "visitKind" }),
      f("visited_on", "date"), optional("findings", "lines"), optional("case_id", "code")] },
  { id: "case.open", service: "outreach", kind: "case", roles: ROLES.station, path: () => "/enterprise-cases",
    creates: { idField: "case_id" },
    fields: [f("enterprise_code", "code"), f("category", "select", { options: "caseCategory" }), f("opened_on", "date"), f("summary", "textarea")] },
  { id: "case.handle", service: "outreach", kind: "case", roles: ROLES.station, path: (id) => `/enterprise-cases/${id}/handle`,
    fields: [f("handled_on", "date"), f("outcome", "select", { options: "caseOutcome" }), optional("note", "textarea")] },
  { id: "referral.make", service: "outreach", kind: "referral", roles: ROLES.station, path: () => "/job-referrals",
    creates: { idField: "referral_id" },
    fields: [f("person_ref", "code"), f("enterprise_code", "code"), f("position", "text"), f("referred_on", "date")] },
  { id: "referral.outcome", service: "outreach", kind: "referral", roles: ROLES.station, path: (id) => `/job-referrals/${id}/outcome`,
    fields: [f("outcome", "select", { options: "referralOutcome" }), f("decided_on", "date"),
      optional("not_hired_reason", "select", { options: "notHired", blank: true })] },
];

const ACTIONS = Object.fromEntries(ACTION_LIST.map((action) => [action.id, action]));

// The screens: which kinds of record each shows, and (for records not created through the app) how to
// open one by its id.
const SCREENS = {
  mediation: { kinds: ["dispute"] },
  patrols: { kinds: ["patrol", "team", "clearance"] },
  leads: { kinds: ["lead", "group"] },
  outreach: { kinds: ["drive", "visit", "case", "referral"] },
};

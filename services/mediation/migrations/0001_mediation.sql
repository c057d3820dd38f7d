-- The mediation service's own tables, beside its event store and the organisation reference.

-- Dual appointments as the appointments service published them (govgrid.appointments.events, fed
-- by services.mediation.application.mediators, which also fills the kernel's ref_people): which pair
-- each village currently has. No foreign keys: streams arrive in any order.
CREATE TABLE mediator_appointments (
    appointment_id text PRIMARY KEY,
    kind           text NOT NULL, -- deputy_party_secretary (an officer) | joint_defence_director (a cadre)
    person_id      text NOT NULL,
    station_code   text NOT NULL,
    village_code   text NOT NULL,
    term_start     date NOT NULL,
    term_end       date NOT NULL,
    status         text NOT NULL -- nominated | approved | certified | ended
);
CREATE INDEX mediator_appointments_by_village ON mediator_appointments (village_code, kind);
CREATE INDEX mediator_appointments_by_station ON mediator_appointments (station_code, kind);

-- One row per dispute, written in the same transaction as its events: the jurisdiction-scoped list
-- and the overdue view (due_on: when the escalation ladder says it must go up).
CREATE TABLE dispute_index (
    dispute_id    text    PRIMARY KEY,
    village_code  text    NOT NULL,
    township_code text,
    station_code  text,
    category      text    NOT NULL,
    source        text    NOT NULL,
    status        text    NOT NULL,
    level         text    NOT NULL,
    registered_on date    NOT NULL,
    last_act_on   date    NOT NULL,
    due_on        date,
    due_reason    text,
    version       integer NOT NULL
);
CREATE INDEX dispute_index_due ON dispute_index (due_on) WHERE due_on IS NOT NULL;
CREATE INDEX dispute_index_registered ON dispute_index (registered_on DESC);
CREATE INDEX dispute_index_township ON dispute_index (township_code);
CREATE INDEX dispute_index_station ON dispute_index (station_code);
CREATE INDEX dispute_index_village ON dispute_index (village_code);

-- The ladder the due dates were computed with: a service started with another one recomputes them.
CREATE TABLE escalation_ladder (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    ladder    jsonb   NOT NULL
);

-- How many officers and volunteers took part, on the patrol's row (set when it starts, as its
-- participants are): the summaries count participations without joining every participant of the
-- range (at 1 M events, 20 k patrols a year, that join was most of /patrols/summary). Distinct
-- volunteers still need the members: only volunteers' rows are joined, found by their own index.
-- A generation made before gets the counts from its participants here: no rebuild needed.
ALTER TABLE rm_patrols
    ADD COLUMN officer_participations integer NOT NULL DEFAULT 0,
    ADD COLUMN volunteer_participations integer NOT NULL DEFAULT 0;
UPDATE rm_patrols r
   SET officer_participations = m.officers, volunteer_participations = m.volunteers
  FROM (SELECT patrol_id,
               count(*) FILTER (WHERE kind = 'officer') AS officers,
               count(*) FILTER (WHERE kind = 'volunteer') AS volunteers
          FROM rm_patrol_participants GROUP BY patrol_id) m
 WHERE m.patrol_id = r.patrol_id;
CREATE INDEX rm_patrol_participants_volunteers ON rm_patrol_participants (patrol_id) WHERE kind = 'volunteer';

-- Each figure of the summary is found by its own day (queries/disputes.py): without these, a year's
-- summary read every dispute ever registered once per figure (at 1 M events, 40 k disputes, six
-- scans). "Open at the end of a day" is found by when the dispute stopped being open: an agreement,
-- the court or a closure, whichever came first (the expression is the query's, to the letter).
-- Indexes only: a generation made before gets them when the new release starts.
CREATE INDEX rm_disputes_agreement ON rm_disputes (agreement_on);
CREATE INDEX rm_disputes_court ON rm_disputes (court_on);
CREATE INDEX rm_disputes_withdrawn ON rm_disputes (closed_on) WHERE close_outcome = 'withdrawn';
CREATE INDEX rm_disputes_open_until
    ON rm_disputes ((coalesce(least(agreement_on, court_on, closed_on), 'infinity'::date)), registered_on);

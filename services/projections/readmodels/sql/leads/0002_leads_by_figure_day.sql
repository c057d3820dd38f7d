-- Each figure of the summary is found by its own day (queries/leads.py): without these, a year's
-- summary read every lead ever received for the decisions, the open and the overdue ones (at 1 M
-- events, 30 k leads, four scans, two of them twice). Open: until it was closed; overdue: until it
-- was decided (the expressions are the query's, to the letter). Indexes only: a generation made
-- before gets them when the new release starts.
CREATE INDEX rm_leads_verified ON rm_leads (verified_on);
CREATE INDEX rm_leads_dismissed ON rm_leads (dismissed_on);
CREATE INDEX rm_leads_open_until ON rm_leads ((coalesce(closed_on, 'infinity'::date)), received_on);
CREATE INDEX rm_leads_undecided_until
    ON rm_leads ((coalesce(least(verified_on, dismissed_on), 'infinity'::date)), received_at);

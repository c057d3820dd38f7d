-- Which schema holds each generation of each read model. The worker writes to the active one; a
-- rebuild fills a new one from offset 0 and then makes it active (the old one is retired).
CREATE TABLE IF NOT EXISTS read_model_generations (
    read_model   text        NOT NULL,
    generation   integer     NOT NULL,
    schema_name  text        NOT NULL UNIQUE,
    status       text        NOT NULL CHECK (status IN ('building', 'active', 'retired')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    activated_at timestamptz,
    PRIMARY KEY (read_model, generation)
);
CREATE UNIQUE INDEX IF NOT EXISTS one_active_generation ON read_model_generations (read_model)
    WHERE status = 'active';

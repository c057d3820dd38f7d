from services.projections.main import run

run()

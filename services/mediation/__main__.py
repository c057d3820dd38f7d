from services.mediation.main import run

run()

from services.outreach.main import run

run()

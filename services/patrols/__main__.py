from services.patrols.main import run

run()

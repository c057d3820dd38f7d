from services.tips.main import run

run()

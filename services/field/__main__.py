from services.field.main import run

run()

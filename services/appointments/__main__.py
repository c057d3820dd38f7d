from services.appointments.main import run

run()

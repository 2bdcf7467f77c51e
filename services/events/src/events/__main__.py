from events.entrypoints.cli import main

main()

from notifications.entrypoints.cli import main

main()

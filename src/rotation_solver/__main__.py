from rotation_solver.cli import main

main()

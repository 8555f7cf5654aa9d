from rotation_solver.entry import main

main()

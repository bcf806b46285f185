// composecheck loads a Compose file the way `docker compose config` does (compose-go: interpolation,
// anchors and merges, the Compose Specification schema, references between services) and prints the
// names of its services, or the errors. Used by tests/deploy, where no Docker engine runs.
//
//	go run ./deploy/tools/composecheck deploy/docker-compose.yml deploy/compose/env.example
package main

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: composecheck COMPOSE_FILE [ENV_FILE]")
		os.Exit(2)
	}
	options := []cli.ProjectOptionsFn{cli.WithResolvedPaths(true), cli.WithConsistency(true)}
	if len(os.Args) > 2 {
		options = append(options, cli.WithEnvFiles(os.Args[2]), cli.WithDotEnv)
	}
	projectOptions, err := cli.NewProjectOptions([]string{os.Args[1]}, options...)
	if err == nil {
		var project interface{ ServiceNames() []string }
		project, err = projectOptions.LoadProject(context.Background())
		if err == nil {
			names := project.ServiceNames()
			sort.Strings(names)
			for _, name := range names {
				fmt.Println(name)
			}
			return
		}
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

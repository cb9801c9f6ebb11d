// Command kube-server is one binary holding a real kube-apiserver and a real
// etcd, for the aws-auth end-to-end tests.
//
//	kube-server etcd <etcd flags>
//	kube-server apiserver <kube-apiserver flags>
//	kube-server version
//
// It is a multi-call binary: the first argument picks the program, and the
// rest are that program's own flags, unchanged. A link named "etcd" or
// "kube-apiserver" to this binary works too.
//
// With KUBE_SERVER_EXIT_ON_STDIN_EOF=1 in its environment, the program exits
// as soon as its stdin reaches end of file. A test harness that keeps the
// write end of a pipe on that stdin thereby makes sure no server outlives it:
// however the harness dies, the kernel closes the pipe.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"

	"go.etcd.io/etcd/server/v3/etcdmain"
	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"

	// The same side-effect imports as upstream's kube-apiserver main: JSON
	// logging format and the client-go and version metrics.
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
)

const usage = `usage: kube-server <program> [flags]

programs:
  etcd       run etcd with the given etcd flags
  apiserver  run kube-apiserver with the given kube-apiserver flags
  version    print the versions of kubernetes and etcd built in
`

func main() {
	name := filepath.Base(os.Args[0])
	args := os.Args[1:]
	if name != "etcd" && name != "kube-apiserver" {
		if len(args) == 0 {
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		name, args = args[0], args[1:]
	}
	if os.Getenv("KUBE_SERVER_EXIT_ON_STDIN_EOF") == "1" {
		go exitOnStdinEOF(name)
	}
	switch name {
	case "etcd":
		// etcdmain reads its flags from args[1:], like os.Args.
		etcdmain.Main(append([]string{"etcd"}, args...))
	case "apiserver", "kube-apiserver":
		cmd := app.NewAPIServerCommand()
		cmd.SetArgs(args)
		os.Exit(cli.Run(cmd))
	case "version", "--version", "-v":
		printVersions()
	case "help", "--help", "-h":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "kube-server: unknown program %q\n\n%s", name, usage)
		os.Exit(2)
	}
}

// exitOnStdinEOF reads stdin until it ends, then exits the whole process.
func exitOnStdinEOF(name string) {
	_, _ = io.Copy(io.Discard, os.Stdin)
	fmt.Fprintf(os.Stderr, "kube-server %s: stdin closed, exiting\n", name)
	os.Exit(1)
}

// printVersions prints the module versions that matter, read from the build
// info so they cannot drift from go.mod.
func printVersions() {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(os.Stderr, "kube-server: no build info")
		os.Exit(1)
	}
	fmt.Printf("go %s\n", info.GoVersion)
	for _, m := range info.Deps {
		switch m.Path {
		case "k8s.io/kubernetes", "k8s.io/apiserver", "go.etcd.io/etcd/server/v3", "go.etcd.io/etcd/client/v3":
			v := m.Version
			if m.Replace != nil {
				v = m.Replace.Version
			}
			fmt.Printf("%s %s\n", m.Path, v)
		}
	}
}

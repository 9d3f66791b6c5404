// Command lua-health runs an Argo CD resource health script the way Argo CD does: on gopher-lua,
// with the resource bound to the global `obj` as nested Lua tables, and only the base, table,
// string and math libraries opened. For each fixture (a YAML or JSON resource) it prints one JSON
// line: {"fixture": ..., "status": ..., "message": ...}. A script that fails, returns no table or
// returns a status Argo CD does not know is an error (exit 1), so a broken script cannot pass.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	lua "github.com/yuin/gopher-lua"
	"sigs.k8s.io/yaml"
)

var knownStatuses = map[string]bool{
	"Healthy": true, "Progressing": true, "Suspended": true, "Degraded": true, "Missing": true, "Unknown": true,
}

type verdict struct {
	Fixture string `json:"fixture"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: lua-health SCRIPT.lua FIXTURE.yaml [FIXTURE.yaml...]")
		os.Exit(2)
	}
	script, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail("reading the script: %v", err)
	}
	out := json.NewEncoder(os.Stdout)
	for _, fixture := range os.Args[2:] {
		v, err := run(string(script), fixture)
		if err != nil {
			fail("%s: %v", fixture, err)
		}
		if err := out.Encode(v); err != nil {
			fail("writing the verdict: %v", err)
		}
	}
}

func run(script, fixture string) (verdict, error) {
	raw, err := os.ReadFile(fixture)
	if err != nil {
		return verdict{}, err
	}
	var obj map[string]interface{}
	if err := yaml.Unmarshal(raw, &obj); err != nil {
		return verdict{}, fmt.Errorf("not a YAML or JSON object: %w", err)
	}
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString}, {lua.MathLibName, lua.OpenMath}} {
		l.Push(l.NewFunction(lib.open))
		l.Push(lua.LString(lib.name))
		l.Call(1, 0)
	}
	l.SetGlobal("obj", toLua(l, obj))
	if err := l.DoString(script); err != nil {
		return verdict{}, fmt.Errorf("the script failed: %w", err)
	}
	table, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return verdict{}, fmt.Errorf("the script returned %s, not a table", l.Get(-1).Type())
	}
	status := lua.LVAsString(table.RawGetString("status"))
	if !knownStatuses[status] {
		return verdict{}, fmt.Errorf("the script returned status %q, which Argo CD does not know", status)
	}
	return verdict{Fixture: fixture, Status: status, Message: lua.LVAsString(table.RawGetString("message"))}, nil
}

// toLua mirrors Argo CD's conversion: objects and arrays become tables (arrays 1-based).
func toLua(l *lua.LState, value interface{}) lua.LValue {
	switch v := value.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case []interface{}:
		t := l.NewTable()
		for _, item := range v {
			t.Append(toLua(l, item))
		}
		return t
	case map[string]interface{}:
		t := l.NewTable()
		for key, item := range v {
			t.RawSetString(key, toLua(l, item))
		}
		return t
	default:
		return lua.LString(fmt.Sprint(v))
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "lua-health: "+format+"\n", args...)
	os.Exit(1)
}

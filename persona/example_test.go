package persona_test

import (
	"fmt"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/persona"
)

func ExampleStandard() {
	c := persona.Standard()
	for _, title := range []string{"SVP, Global IT Infrastructure", "Chief Revenue Officer", "Sr. Data Engineer", "Head of Procurement"} {
		p := c.Classify(title)
		fmt.Printf("%-30s %-23s %s\n", title, p.Seniority, p.Department)
	}
	// Output:
	// SVP, Global IT Infrastructure  VP                      IT
	// Chief Revenue Officer          C-Level                 Sales
	// Sr. Data Engineer              Individual Contributor  Engineering
	// Head of Procurement            Director                Procurement
}

func ExampleTitleClassifier_Classify() {
	p := persona.Standard().Classify("Director of Security Engineering")
	fmt.Println(p.Seniority, "/", p.Department)
	for _, r := range p.Reasons {
		fmt.Println(r)
	}
	// Output:
	// Director / Security
	// seniority Director: "director"
	// department Security: "security" 3 (over Engineering: "engineering" 2)
}

func ExampleTitleClassifier_Classify_empty() {
	p := persona.Standard().Classify("  ")
	fmt.Printf("%q %q %v\n", p.Seniority, p.Department, p.Reasons)
	// Output:
	// "" "" [empty title: seniority and department unknown]
}

func ExampleNew() {
	c, err := persona.New(persona.Config{
		Departments: map[string]b2b.Department{"studio": b2b.DepartmentOperations},
		Seniorities: map[string]b2b.Seniority{"principal": b2b.SeniorityCLevel},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, title := range []string{"Studio Manager", "Principal"} {
		p := c.Classify(title)
		fmt.Println(p.Seniority, "/", p.Department, "/", p.Reasons)
	}
	// Output:
	// Manager / Operations / [seniority Manager: "manager" department Operations: "studio" (custom) 4]
	// C-Level /  / [seniority C-Level: "principal" (custom) department unknown: no function word]
}

func ExampleConfig_Validate() {
	err := persona.Config{
		Departments: map[string]b2b.Department{"growth hacking": "Growth"},
		Seniorities: map[string]b2b.Seniority{"!!!": b2b.SeniorityVP},
	}.Validate()
	fmt.Println(err)
	// Output:
	// persona config: 2 problems:
	//   departments["growth hacking"]: unknown department "Growth" (want one of Finance, IT, Engineering, Security, Marketing, Sales, Operations, HR, Legal, Procurement, Product, Executive, Other)
	//   seniorities["!!!"]: keyword has no words
}

func ExampleApply() {
	p, got := persona.Apply(persona.Standard(), b2b.Person{ID: "p-1", Title: "VP Eng", Department: b2b.DepartmentIT})
	fmt.Println(p.Seniority, "/", p.Department, "(title says", got.Department+")")
	// Output:
	// VP / IT (title says Engineering)
}

package qualify_test

import (
	"fmt"

	"github.com/quorumhq/quorum/qualify"
)

func ExampleStrategyCompletenessScore_Assess() {
	s := qualify.StrategyCompletenessScore{ReadyCompleteness: 0.6, ReadyScore: 150, NurtureCompleteness: 0.3, NurtureScore: 60}
	v, err := s.Assess(qualify.Features{Completeness: 1.0 / 3, Score: 400})
	if err != nil {
		panic(err)
	}
	fmt.Println(v.Explain())
	// Output:
	// nurture (intensified nurture): completeness 0.33 < ready threshold 0.6; score 400 >= ready threshold 150; completeness 0.33 >= nurture threshold 0.3; score 400 >= nurture threshold 60
}

func ExampleStrategyModel_Assess() {
	model := &qualify.Model{
		Version:   qualify.ModelVersion,
		Intercept: -0.5,
		Terms: []qualify.ModelTerm{
			{Feature: qualify.ModelFeatureCompleteness, Mean: 0.5, Scale: 0.25, Weight: 1.0},
			{Feature: qualify.ModelFeatureVelocity, Mean: 0, Scale: 30, Weight: 0.6},
			{Feature: qualify.ModelFeatureDaysSinceLastActivity, Mean: 5, Scale: 15, Weight: -0.6},
		},
	}
	s := qualify.StrategyModel{Model: model, ReadyProbability: 0.7, NurtureProbability: 0.3}
	v, err := s.Assess(qualify.Features{Completeness: 0.8, Velocity: 45, VelocityDays: 14, DaysSinceLastActivity: 20})
	if err != nil {
		panic(err)
	}
	fmt.Println(v.Explain())
	// Output:
	// ready (fast-track to sales): probability 0.73 >= ready threshold 0.70; completeness 0.8 (+1.2), velocity +45 in 14 days (+0.9), no activity for 20 days (-0.6)
}

func ExampleBacktest() {
	history := []qualify.ReadinessExample{
		rGroup(1, 200, true), rGroup(1, 120, true), rGroup(0.67, 180, true), rGroup(0.67, 90, false),
		rGroup(0.33, 250, false), rGroup(0.33, 60, false), rGroup(0, 10, false), rGroup(0.67, 160, false),
	}
	tab, err := qualify.Backtest(history, qualify.BacktestGrid{Completeness: []float64{0, 0.6}, Score: []float64{100, 150}})
	if err != nil {
		panic(err)
	}
	fmt.Print(tab)
	// Output:
	// 8 groups, 3 with the outcome (base rate 37.5%); cells: MQA volume / precision
	// completeness       score>=100     score>=150
	// >=0                 5 / 60.0%      4 / 50.0%
	// >=0.6               4 / 75.0%      3 / 66.7%
}

func ExampleModelTrainer_Train() {
	history, _ := rNewWorld().rHistory(8, 4000)
	m, err := qualify.ModelTrainer{Seed: 1, Outcome: qualify.ModelOutcome{Days: 90}}.Train(history)
	if err != nil {
		panic(err)
	}
	ev := m.Evaluation
	fmt.Println(m.Outcome)
	fmt.Println("model beats the best score threshold:", ev.AUC > ev.ThresholdAUC)
	// Output:
	// opportunity created within 90 days
	// model beats the best score threshold: true
}

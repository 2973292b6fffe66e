import { describe, expect, it } from "vitest";
import { metricLayout } from "./table";

// the metric names a SearchCV(cv=3, return_train_score=True) trial reports, in its order
const CV = [
  "split0_test_score",
  "split1_test_score",
  "split2_test_score",
  "mean_test_score",
  "std_test_score",
  "split0_train_score",
  "split1_train_score",
  "split2_train_score",
  "mean_train_score",
  "std_train_score",
  "mean_fit_time",
];

describe("metricLayout", () => {
  it("gathers the splits of a metric after its mean and spread", () => {
    expect(metricLayout(CV)).toEqual([
      3,
      4,
      { rest: "test_score", members: [0, 1, 2] },
      8,
      9,
      { rest: "train_score", members: [5, 6, 7] },
      10,
    ]);
  });

  it("orders the splits by number and keeps them where they were without a mean", () => {
    expect(metricLayout(["loss", "split10_acc", "split2_acc", "time"])).toEqual([
      0,
      { rest: "acc", members: [2, 1] },
      3,
    ]);
  });

  it("leaves other metrics and a lone split as columns of their own", () => {
    expect(metricLayout(["train_loss", "split0_acc", "epochs"])).toEqual([0, 1, 2]);
    expect(metricLayout([])).toEqual([]);
  });
});

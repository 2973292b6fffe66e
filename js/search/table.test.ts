import { describe, expect, it } from "vitest";
import { estimate, HEADER_MOST, HEADER_ROOM, metricLayout, widthFor } from "./table";

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

describe("widthFor", () => {
  // "svc__gamma" as the table's 13 px DejaVu Sans draws it: 84 px, more than the old 7.5 a letter
  const drawn = (text: string) => (text === "svc__gamma" ? 84 : 7 * text.length);

  it("fits the header's measured text, its padding and the sort arrow", () => {
    expect(widthFor("svc__gamma", 86, drawn)).toBe(84 + HEADER_ROOM);
    expect(widthFor("C", 86, drawn)).toBe(86);
  });

  it("errs wide when the text cannot be measured, and stops at HEADER_MOST", () => {
    expect(widthFor("svc__gamma", 86)).toBeGreaterThanOrEqual(84 + HEADER_ROOM);
    expect(estimate("svc__gamma")).toBeGreaterThan(84);
    expect(widthFor("classifier__estimator__min_samples_leaf", 86)).toBe(HEADER_MOST);
  });
});

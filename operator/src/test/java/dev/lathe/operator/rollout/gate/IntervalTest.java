package dev.lathe.operator.rollout.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lathe.artifact.contract.GateReport.Paired;
import org.junit.jupiter.api.Test;

class IntervalTest {

  @Test
  void wilsonMatchesNewcombesPublishedExampleOf81In263() {
    Interval interval = Interval.wilson(81, 263);

    assertThat(interval.lower()).isCloseTo(0.2553, within(5e-5));
    assertThat(interval.upper()).isCloseTo(0.3662, within(5e-5));
  }

  @Test
  void wilsonOfNoneOrAllStaysInsideZeroToOneWithWidth() {
    assertThat(Interval.wilson(0, 10).lower()).isCloseTo(0.0, within(1e-12));
    assertThat(Interval.wilson(0, 10).upper()).isGreaterThan(0.2);
    assertThat(Interval.wilson(10, 10).upper()).isCloseTo(1.0, within(1e-12));
    assertThat(Interval.wilson(10, 10).lower()).isLessThan(0.8);
  }

  @Test
  void theIndependentDifferenceMatchesNewcombesPublishedExampleOf56In70Minus48In80() {
    Interval interval = Interval.independentDifference(56, 70, 48, 80);

    assertThat(interval.lower()).isCloseTo(0.0524, within(5e-5));
    assertThat(interval.upper()).isCloseTo(0.3339, within(5e-5));
  }

  @Test
  void thePairedDifferenceUsesTheCorrelationCorrection() {
    // 30 both right, 2 only the candidate, 5 only stable, 3 neither: candidate 0.800, stable
    // 0.875. Reference figures from a separate script of the published formulas.
    Interval interval = Interval.pairedDifference(new Paired(30, 2, 5, 3));

    assertThat(interval.lower()).isCloseTo(-0.21938, within(1e-5));
    assertThat(interval.upper()).isCloseTo(0.06721, within(1e-5));
  }

  @Test
  void allItemsEqualGiveAnIntervalAroundZeroThatNarrowsOnlyWithMoreItems() {
    Interval five = Interval.pairedDifference(new Paired(5, 0, 0, 0));
    Interval twenty = Interval.pairedDifference(new Paired(20, 0, 0, 0));
    Interval twoHundred = Interval.pairedDifference(new Paired(200, 0, 0, 0));

    assertThat(five.lower()).isCloseTo(-0.4345, within(1e-4));
    assertThat(five.upper()).isCloseTo(0.4345, within(1e-4));
    assertThat(twenty.upper()).isCloseTo(0.1611, within(1e-4));
    assertThat(twoHundred.upper()).isCloseTo(0.0188, within(1e-4));
    assertThat(Interval.pairedDifference(new Paired(0, 0, 0, 20)).lower())
        .isCloseTo(-0.1611, within(1e-4));
  }

  @Test
  void aCandidateWorseOnMostItemsHasAnIntervalWhollyBelowZero() {
    Interval interval = Interval.pairedDifference(new Paired(10, 0, 30, 0));

    assertThat(interval.upper()).isCloseTo(-0.5746, within(1e-4));
    assertThat(interval.lower()).isCloseTo(-0.8581, within(1e-4));
    assertThat(interval.contains(0)).isFalse();
  }

  @Test
  void swappingTheVersionsMirrorsTheInterval() {
    Interval forward = Interval.pairedDifference(new Paired(2, 1, 7, 12));
    Interval backward = Interval.pairedDifference(new Paired(2, 7, 1, 12));

    assertThat(backward.lower()).isCloseTo(-forward.upper(), within(1e-12));
    assertThat(backward.upper()).isCloseTo(-forward.lower(), within(1e-12));
  }

  @Test
  void anEmptyTableHasNoInterval() {
    assertThatThrownBy(() -> Interval.pairedDifference(new Paired(0, 0, 0, 0)))
        .hasMessageContaining("no paired items");
    assertThatThrownBy(() -> Interval.wilson(3, 2)).hasMessageContaining("3 in 2");
  }
}

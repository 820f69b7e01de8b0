import pytest

from analysis import AnalysisInputError, ConvergenceWarning, FitError


def test_input_error_is_a_value_error_with_all_four_parts():
    err = AnalysisInputError.about("y_prob", "probabilities in [0, 1]", "1.5 at index 3", "Apply a sigmoid.")
    assert isinstance(err, ValueError)
    assert str(err) == "`y_prob`: expected probabilities in [0, 1], found 1.5 at index 3. Apply a sigmoid."


def test_fit_error_and_convergence_warning_types():
    assert issubclass(FitError, RuntimeError)
    assert issubclass(ConvergenceWarning, UserWarning)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        import warnings

        warnings.warn("did not converge", ConvergenceWarning, stacklevel=1)

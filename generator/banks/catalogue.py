"""The catalogue of exercise families every shipped bank set must cover (SPEC §2)."""

from __future__ import annotations

__all__ = ["CATALOGUE"]

#: catalogue id -> what it is about.
CATALOGUE: dict[str, str] = {
    "limit-definition": "derivative from the limit definition",
    "basic-rules": "basic rules and linearity",
    "chain-exp": "composite exponential (chain rule)",
    "exp-base": "exponential with another base",
    "variable-exponent": "variable base and exponent",
    "quotient-sigmoid": "quotient rule, sigmoid",
    "activations": "activation derivatives",
    "critical-1d": "critical points in 1-D, increase/decrease table",
    "partials": "partial derivatives",
    "gradient": "gradient",
    "directional": "directional derivative, steepest ascent",
    "jacobian": "Jacobian",
    "hessian": "Hessian and Schwarz symmetry",
    "critical-nd": "critical points in n-D, classification by Hessian eigenvalues",
    "lagrange": "Lagrange multipliers",
    "chain-multi": "multivariable chain rule",
    "least-squares": "least squares gradient",
    "quadratic-form": "quadratic form gradient",
    "linear-jacobian": "Jacobian of a linear map",
    "shapes": "shapes: scalar, vector, matrix, row or column",
    "gradient-descent": "gradient descent step",
    "backprop": "backpropagation in a small network",
    "mse": "MSE gradient",
    "softmax-ce": "softmax with cross-entropy",
    "gaussian-mle": "Gaussian maximum likelihood",
    "sphere-projection": "projection onto the unit sphere",
    "inverse-transform": "inverse transform sampling",
}

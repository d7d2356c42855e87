"""Model parameters: the declaration (``catalogue``) and the frozen ``Params`` built from it."""

from sim.params.catalogue import PARAMETERS
from sim.params.declaration import Param, ParamError, make_params_class

Params = make_params_class(PARAMETERS)
DECLARATION = Params.DECLARATION

__all__ = ["DECLARATION", "PARAMETERS", "Param", "ParamError", "Params"]

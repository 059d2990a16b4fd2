#include "std_vector.h"
#include "std_vector_nesting.h"
#include "std_vector_primitive.h"

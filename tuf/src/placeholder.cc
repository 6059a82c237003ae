#include "tufkey/tuf/key_id.h"
